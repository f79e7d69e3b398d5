"""No training signal: the loss compares the output with the upscaled input instead of the
high-resolution target, so the residual network learns to add nothing (bicubic at best).

tracks: torch
expect-fail: train.adds_detail
message: against the upscaled input
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=3e-3):
    rng = np.random.default_rng(seed)
    upscaled = upscaled.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    losses = []
    for _ in range(steps):
        batch = upscaled[torch.as_tensor(rng.integers(0, len(upscaled), batch_size), device=DEVICE)]
        loss = F.mse_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
