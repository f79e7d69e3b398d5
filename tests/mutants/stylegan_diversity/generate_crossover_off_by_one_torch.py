"""Style mixing from block crossover + 1 on instead of from block crossover.

tracks: torch
expect-fail: synthesis.generate_builds_the_styles
message: off by one
"""
import torch


def generate(mapping, synthesis, z, psi, w_avg, z_mix=None, crossover=None):
    with torch.no_grad():
        ws = truncate(mapping(z), w_avg, psi)[:, None].repeat(1, N_STYLES, 1)  # noqa: F821
        if z_mix is not None:
            ws[:, crossover + 1:] = truncate(mapping(z_mix), w_avg, psi)[:, None]  # noqa: F821
        return synthesis(ws)
