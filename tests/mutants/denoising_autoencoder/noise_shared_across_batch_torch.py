"""Draws one (C, H, W) noise image and broadcasts it over the batch: every image gets the same noise.

tracks: torch
expect-fail: add_noise.noise_statistics
message: same noise
"""
import torch


def add_noise(images, sigma, seed):
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    noise = torch.randn(images.shape[1:], generator=generator, device=images.device, dtype=images.dtype)
    return (images + sigma * noise).clamp(0.0, 1.0)
