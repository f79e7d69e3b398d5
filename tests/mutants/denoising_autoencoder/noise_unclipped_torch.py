"""Forgets to clip the noisy images to [0, 1].

tracks: torch
expect-fail: add_noise.noise_shape_and_range
message: clip the noisy images
"""
import torch


def add_noise(images, sigma, seed):
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    return images + sigma * torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
