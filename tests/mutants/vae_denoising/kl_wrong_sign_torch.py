"""Drops the minus sign: 0.5 * sum(1 + logvar - mu^2 - exp(logvar)), a KL that is never positive.

tracks: torch
expect-fail: kl_divergence.kl_values
message: wrong sign
"""
import torch


def kl_divergence(mu, logvar):
    return 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1)
