"""Trains through encode() and decode()-like calls: the code comes from encode, which runs under
torch.no_grad(), so no gradient reaches the encoder and only the decoder learns (a random code).

tracks: torch
expect-fail: train.encoder_learns
message: the encoder is not trained
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
        loss = F.mse_loss(model.decoder(encode(model, batch)), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
