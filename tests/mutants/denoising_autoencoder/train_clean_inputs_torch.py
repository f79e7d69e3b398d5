"""A plain autoencoder: trained on clean inputs to reproduce them, never on noisy ones, then applied
to noisy images. It learns to copy its input, noise included.

tracks: torch
expect-fail: train.removes_flat_noise
message: NOISY inputs
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(clean), batch_size), device=DEVICE)
        target = clean[idx]
        loss = F.mse_loss(model(target), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
