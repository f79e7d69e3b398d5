"""Never calls optimizer.zero_grad(): every step's gradient is added to all the previous ones, so
the updates follow a stale running sum and training goes nowhere: the held-out error the grader
measures before and after training does not fall.

tracks: torch
expect-fail: train.returns_losses
message: zero_grad
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        loss = F.mse_loss(model(batch), batch)
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
