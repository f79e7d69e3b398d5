"""Appends the loss tensor itself (losses.append(loss)) instead of loss.item(): every step's autograd
graph stays alive, and the caller gets tensors, not floats.

tracks: torch
expect-fail: train.returns_losses
message: loss.item()
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        loss = F.mse_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss)
    return losses
