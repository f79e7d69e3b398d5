"""Softmax before nn.CrossEntropyLoss, which applies log-softmax itself and expects logits: the loss
cannot fall below log(1 + 9/e) = 1.46.

tracks: torch
expect-fail: train.training_loss_falls
message: softmax applied before a loss that expects logits
"""
import torch
from torch import nn


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    torch.manual_seed(seed)
    images, labels = images.to(DEVICE), labels.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randperm(len(images))[:batch_size].to(DEVICE)
        probs = torch.softmax(model(images[batch]), dim=1)
        loss = loss_fn(probs, labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
    return losses
