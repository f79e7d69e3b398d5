"""Residual learning (as in DnCNN): the encoder-decoder predicts the noise, the model subtracts it
from its input and clamps to [0, 1]. Also trains with AdamW instead of Adam.

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class ResidualDenoiser(nn.Module):
    def __init__(self):
        super().__init__()
        self.noise = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 3, padding=1), nn.LeakyReLU(0.2),
            nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1),
        )

    def forward(self, x):
        return (x - self.noise(x)).clamp(0.0, 1.0)


def build_denoiser(seed):
    torch.manual_seed(seed)
    return ResidualDenoiser().to(DEVICE)


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=3e-3):
    rng = np.random.default_rng(seed)
    clean = clean.to(DEVICE)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=1e-4)
    model.train()
    losses = []
    for _ in range(steps):
        target = clean[torch.as_tensor(rng.integers(0, len(clean), batch_size), device=DEVICE)]
        noisy = add_noise(target, sigma, int(rng.integers(2**31 - 1)))
        loss = F.mse_loss(model(noisy), target)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
