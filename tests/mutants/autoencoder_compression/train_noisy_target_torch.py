"""Trains towards a noisy copy of the input (clip(batch + 0.2 * noise), as the seed answer's "train
on noisy or compressed images" suggests, applied to the target): clipped at 0, the noise has a
positive mean on the black background, and the model learns to paint it grey.

tracks: torch
expect-fail: train.black_background
message: grey
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    generator = torch.Generator(device=DEVICE).manual_seed(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses = []
    for _ in range(steps):
        batch = images[torch.as_tensor(rng.integers(0, len(images), batch_size), device=DEVICE)]
        noise = torch.randn(batch.shape, generator=generator, device=DEVICE)
        loss = F.mse_loss(model(batch), (batch + 0.2 * noise).clamp(0.0, 1.0))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
