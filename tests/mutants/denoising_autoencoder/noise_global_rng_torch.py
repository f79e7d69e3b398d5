"""Draws the noise from torch's global RNG (torch.randn_like) and ignores `seed`: the noise is not
reproducible.

tracks: torch
expect-fail: add_noise.noise_is_seeded
message: not from the global RNG
"""
import torch


def add_noise(images, sigma, seed):
    return (images + sigma * torch.randn_like(images)).clamp(0.0, 1.0)
