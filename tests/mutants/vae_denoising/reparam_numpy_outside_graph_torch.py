"""Samples z with np.random outside the autograd graph (on .detach().cpu().numpy() values): the values
are right, but no gradient flows back to mu and logvar, so the reconstruction never trains the encoder.

tracks: torch
expect-fail: train.gradients_reach_encoder
message: outside the graph
"""
import numpy as np
import torch


def reparameterize(mu, logvar, seed=None):
    rng = np.random.default_rng(seed)
    m = mu.detach().cpu().numpy()
    s = np.exp(0.5 * logvar.detach().cpu().numpy())
    return torch.as_tensor(rng.normal(m, s), dtype=mu.dtype, device=mu.device)
