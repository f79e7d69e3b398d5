"""Adam instead of SGD: its first step is about learning_rate per weight whatever the clipping, so the
clipped norm no longer caps the step.

tracks: torch
expect-fail: step.clipped_step
message: Adam
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    rng = np.random.default_rng(seed)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate * 1e-3)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(hr), batch_size), device=DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx])
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        losses.append(loss.item())
    return losses
