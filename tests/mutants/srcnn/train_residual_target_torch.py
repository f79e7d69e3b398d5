"""Double residual: the model already returns x + convs(x), yet the loss compares its output with the
residual target - upscaled, so the trained output is a small correction, not an image.

tracks: torch
expect-fail: train.beats_bicubic
message: looks like the residual
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=2e-3):
    rng = np.random.default_rng(seed)
    upscaled, target = upscaled.to(DEVICE), target.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    model.train()
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(upscaled), batch_size), device=DEVICE)
        loss = F.mse_loss(model(upscaled[idx]), target[idx] - upscaled[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
