"""The optimiser gets the image encoder's parameters only: the text encoder keeps its random
initial weights (a frozen random text tower).

tracks: torch
expect-fail: train.returns_losses
message: BOTH encoders
"""
import numpy as np
import torch


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    images, tokens = images.to(DEVICE), tokens.to(DEVICE)
    optimizer = torch.optim.Adam(image_encoder.parameters(), lr=lr)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.choice(len(images), batch_size, replace=False), device=DEVICE)
        loss = info_nce(image_encoder(images[idx]), text_encoder(tokens[idx]), temperature)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
