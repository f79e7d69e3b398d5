"""Truncates z's w but mixes in z_mix's w untruncated.

tracks: torch
expect-fail: synthesis.generate_builds_the_styles
message: truncate both
"""
import torch


def generate(mapping, synthesis, z, psi, w_avg, z_mix=None, crossover=None):
    with torch.no_grad():
        ws = truncate(mapping(z), w_avg, psi)[:, None].repeat(1, N_STYLES, 1)  # noqa: F821
        if z_mix is not None:
            ws[:, crossover:] = mapping(z_mix)[:, None]
        return synthesis(ws)
