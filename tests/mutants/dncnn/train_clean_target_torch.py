"""Trains the network to output the clean image (loss against the clean batch) while denoise still
subtracts its output as if it were the noise: not residual learning, and the two halves disagree.

tracks: torch
expect-fail: train.predicts_the_noise
message: residual learning
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
    for _ in range(steps):
        target = clean[torch.as_tensor(rng.integers(0, len(clean), batch_size), device=DEVICE)]
        noisy = add_blind_noise(target, sigma_range, int(rng.integers(2**31 - 1)))
        loss = F.mse_loss(model(noisy), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
