"""Feeds z to the MLP without normalising it (no pixel norm).

tracks: torch
expect-fail: mapping.mapping_normalises_z
message: pixel norm
"""


class MappingNetwork(MappingNetwork):  # noqa: F821 (the reference's class)
    def forward(self, z):
        return self.layers(z)
