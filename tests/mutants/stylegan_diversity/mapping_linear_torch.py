"""Stacks Linear layers without an activation: the mapping network collapses to one affine map.

tracks: torch
expect-fail: mapping.mapping_is_nonlinear
message: affine
"""
from torch import nn


class MappingNetwork(MappingNetwork):  # noqa: F821 (the reference's class)
    def __init__(self, z_dim, w_dim, depth):
        super().__init__(z_dim, w_dim, depth)
        self.layers = nn.Sequential(*[m for m in self.layers if isinstance(m, nn.Linear)])
