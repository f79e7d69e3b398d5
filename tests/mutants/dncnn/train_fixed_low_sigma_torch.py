"""Trains at one fixed noise level, sigma_range[0], instead of a random sigma per image: the model
learns to remove weak noise only and fails at the higher levels. The noise comes from a NumPy
generator seeded with `seed`, so the run is the same on the CPU and on CUDA (torch.randn on CUDA draws
from another stream: there the model trained differently and failed an earlier check instead).

tracks: torch
expect-fail: train.beats_gaussian_filter
message: blind training
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    sigma = sigma_range[0]
    for _ in range(steps):
        target = clean[torch.as_tensor(rng.integers(0, len(clean), batch_size), device=DEVICE)]
        noise = torch.as_tensor(sigma * rng.standard_normal(tuple(target.shape)), dtype=target.dtype, device=DEVICE)
        loss = F.mse_loss(model(target + noise), noise)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
