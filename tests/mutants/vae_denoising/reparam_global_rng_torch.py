"""Ignores `seed` and draws eps from torch's global RNG (torch.randn_like): z is not reproducible.

tracks: torch
expect-fail: reparameterize.reparam_seeded
message: not from the global RNG
"""
import torch


def reparameterize(mu, logvar, seed=None):
    return mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)
