"""Only pulls matching pairs together (MSE between the paired unit embeddings), with no negatives:
the embedding space collapses to one point.

tracks: torch
expect-fail: train.heldout_loss_falls
message: collapsed
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    images, tokens = images.to(DEVICE), tokens.to(DEVICE)
    optimizer = torch.optim.Adam(list(image_encoder.parameters()) + list(text_encoder.parameters()), lr=lr)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.choice(len(images), batch_size, replace=False), device=DEVICE)
        loss = F.mse_loss(image_encoder(images[idx]), text_encoder(tokens[idx]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
