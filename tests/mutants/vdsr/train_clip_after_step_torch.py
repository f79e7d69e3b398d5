"""Clips the gradients after optimizer.step(): the step has already used the unclipped gradients.

tracks: torch
expect-fail: step.clipped_step
message: UNCLIPPED
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    rng = np.random.default_rng(seed)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(hr), batch_size), device=DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        losses.append(loss.item())
    return losses
