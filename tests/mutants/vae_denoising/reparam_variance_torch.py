"""Scales eps by exp(logvar), the variance, instead of exp(0.5 * logvar), the standard deviation.

tracks: torch
expect-fail: reparameterize.reparam_statistics
message: the standard deviation is exp(0.5 * logvar)
"""
import torch


def reparameterize(mu, logvar, seed=None):
    if seed is None:
        eps = torch.randn_like(mu)
    else:
        generator = torch.Generator(device=mu.device).manual_seed(int(seed))
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return mu + torch.exp(logvar) * eps
