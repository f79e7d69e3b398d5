"""Scales the noise by sigma**2, treating sigma as the variance instead of the standard deviation.

tracks: torch
expect-fail: add_noise.noise_statistics
message: not the variance
"""
import torch


def add_noise(images, sigma, seed):
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    noise = torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return (images + sigma**2 * noise).clamp(0.0, 1.0)
