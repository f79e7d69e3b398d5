"""Scores the reconstruction against the noisy input instead of the clean digit (a plain VAE on noisy
data): the model learns to reproduce the noise's grey background.

tracks: torch
expect-fail: train.heldout_reconstruction
message: The target is the CLEAN batch
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    torch.manual_seed(seed)
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    clean = clean.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        target = clean[torch.randint(0, len(clean), (batch_size,), generator=generator, device=DEVICE)]
        noisy = (target + sigma * torch.randn(target.shape, generator=generator, device=DEVICE)).clamp(0.0, 1.0)
        recon, mu, logvar = model(noisy)
        loss = F.binary_cross_entropy(recon, noisy, reduction="sum") / batch_size + beta * kl_divergence(mu, logvar).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
