"""Computes the loss and its gradients but never calls optimizer.step(): the model is untrained.

tracks: torch
expect-fail: detector.detector_trains
message: no weight changed
"""
import torch


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    generator = torch.Generator().manual_seed(seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.eval()  # also keeps BatchNorm's running statistics untouched
    losses = []
    for _ in range(steps):
        idx = torch.randint(0, len(images), (batch_size,), generator=generator).to(images.device)
        loss = detection_loss(model(images[idx]), targets[idx])
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
