"""Treats logvar as the standard deviation: z = mu + logvar * eps.

tracks: torch
expect-fail: reparameterize.reparam_statistics
message: logvar is the log-variance
"""
import torch


def reparameterize(mu, logvar, seed=None):
    if seed is None:
        eps = torch.randn_like(mu)
    else:
        generator = torch.Generator(device=mu.device).manual_seed(int(seed))
        eps = torch.randn(mu.shape, generator=generator, device=mu.device, dtype=mu.dtype)
    return mu + logvar * eps
