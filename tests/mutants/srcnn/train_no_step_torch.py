"""Computes the loss and its gradients but never calls optimizer.step(): nothing is learned.

tracks: torch
expect-fail: train.returns_losses
message: no weight changed
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=3e-3):
    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(upscaled), batch_size), device=upscaled.device)
        loss = F.mse_loss(model(upscaled[idx]), target[idx])
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
