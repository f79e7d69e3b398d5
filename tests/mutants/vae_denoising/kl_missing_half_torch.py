"""Forgets the factor 0.5 in front of the sum.

tracks: torch
expect-fail: kl_divergence.kl_values
message: factor 0.5
"""
import torch


def kl_divergence(mu, logvar):
    return -torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
