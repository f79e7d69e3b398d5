"""Computes the loss and its gradients but never calls optimizer.step(): the segmenter stays untrained.

tracks: torch
expect-fail: segment.segmenter_heldout_iou retouch.retouch_backdrop
message: no weight changed
"""
import numpy as np
import torch
from torch.nn import functional as F


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    rng = np.random.default_rng(seed)
    photos, masks = photos.to(DEVICE), masks.to(DEVICE)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(photos), batch_size), device=DEVICE)
        loss = F.binary_cross_entropy_with_logits(model(photos[idx]), masks[idx])
        model.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
