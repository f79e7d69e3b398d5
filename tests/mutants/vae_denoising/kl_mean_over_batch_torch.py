"""Reduces over everything (torch.mean of the whole matrix): one number for the batch, not one per example.

tracks: torch
expect-fail: kl_divergence.kl_shape
message: not over the batch
"""
import torch


def kl_divergence(mu, logvar):
    return -0.5 * torch.mean(1 + logvar - mu.pow(2) - logvar.exp())
