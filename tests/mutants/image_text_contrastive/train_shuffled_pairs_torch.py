"""Draws the images and the captions of a minibatch with different indices: the "pairs" do not
match, so there is nothing to learn.

tracks: torch
expect-fail: train.heldout_loss_falls
message: SAME indices
"""
import numpy as np
import torch


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    images, tokens = images.to(DEVICE), tokens.to(DEVICE)
    optimizer = torch.optim.Adam(list(image_encoder.parameters()) + list(text_encoder.parameters()), lr=lr)
    losses = []
    for _ in range(steps):
        idx_images = torch.as_tensor(rng.choice(len(images), batch_size, replace=False), device=DEVICE)
        idx_tokens = torch.as_tensor(rng.choice(len(images), batch_size, replace=False), device=DEVICE)
        loss = info_nce(image_encoder(images[idx_images]), text_encoder(tokens[idx_tokens]), temperature)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses
