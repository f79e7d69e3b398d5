"""Draws z from torch's global RNG and ignores `seed`: samples are not reproducible.

tracks: torch
expect-fail: sample.sample_seeded
message: not from the global RNG
"""
import torch


def sample(model, n, seed):
    model.eval()
    with torch.no_grad():
        return model.decode(torch.randn(n, model.latent_dim, device=DEVICE))
