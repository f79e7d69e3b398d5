"""Computes the loss and back-propagates at every step but never calls optimizer.step(): the
weights stay as initialised, only BatchNorm's running statistics move.

tracks: torch
expect-fail: train.weights_changed
message: is optimizer.step() called
"""
import torch
from torch import nn


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    torch.manual_seed(seed)
    images, labels = images.to(DEVICE), labels.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randperm(len(images))[:batch_size].to(DEVICE)
        loss = loss_fn(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        losses.append(loss.item())
    return losses
