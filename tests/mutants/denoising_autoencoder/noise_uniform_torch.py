"""Uniform noise in [-sigma, sigma] (torch.rand) instead of Gaussian noise of std sigma.

tracks: torch
expect-fail: add_noise.noise_statistics
message: uniform
"""
import torch


def add_noise(images, sigma, seed):
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    uniform = torch.rand(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return (images + sigma * (2 * uniform - 1)).clamp(0.0, 1.0)
