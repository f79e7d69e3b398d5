"""Draws one sigma for the whole batch (a Python float from the global RNG) instead of one per image.

tracks: torch
expect-fail: add_blind_noise.noise_per_image_sigma
message: one sigma per IMAGE
"""
import torch


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    sigma = lo + (hi - lo) * torch.rand((), generator=generator, device=images.device)
    noise = torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return images + sigma * noise
