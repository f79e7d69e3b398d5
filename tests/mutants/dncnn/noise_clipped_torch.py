"""Clips the noisy images to [0, 1], so noisy - clean is no longer the Gaussian noise near black and white.

tracks: torch
expect-fail: add_blind_noise.noise_shape_unclipped
message: do not clip the noisy images
"""
import torch


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    sigma = lo + (hi - lo) * torch.rand((images.shape[0], 1, 1, 1), generator=generator, device=images.device)
    noise = torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)
    return (images + sigma * noise).clamp(0.0, 1.0)
