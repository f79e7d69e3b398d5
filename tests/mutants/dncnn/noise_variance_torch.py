"""Scales the noise by sigma**2, treating sigma as the variance instead of the standard deviation.

tracks: torch
expect-fail: add_blind_noise.noise_per_image_sigma
message: not the variance
"""
import torch


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    sigma = lo + (hi - lo) * torch.rand((images.shape[0], 1, 1, 1), generator=generator, device=images.device)
    noise = torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return images + sigma**2 * noise
