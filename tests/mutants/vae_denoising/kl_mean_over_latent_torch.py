"""Averages the KL over the latent dimensions (torch.mean(..., dim=1)) instead of summing them.

tracks: torch
expect-fail: kl_divergence.kl_values
message: sum over them
"""
import torch


def kl_divergence(mu, logvar):
    return -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
