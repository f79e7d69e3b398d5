"""Compares the model's output with the residual HR - bicubic, although the model already adds its
input back: it learns to output the residual, not the image.

tracks: torch
expect-fail: train.beats_bicubic
message: HR image
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    rng = np.random.default_rng(seed)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    params = list(model.parameters())
    optimizer = torch.optim.SGD(params, lr=learning_rate, momentum=0.9)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(hr), batch_size), device=DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx] - lr_up[idx])
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, clip_norm)
        optimizer.step()
        losses.append(loss.item())
    return losses
