"""Trains the model to reproduce its noisy input (loss against the noisy batch, not the clean one):
it learns the identity and removes no noise.

tracks: torch
expect-fail: train.removes_flat_noise
message: The target is the CLEAN batch
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
        noisy = add_noise(clean[idx], sigma, int(rng.integers(2**31 - 1)))
        loss = F.mse_loss(model(noisy), noisy)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
