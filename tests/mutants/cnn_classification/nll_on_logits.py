"""nn.NLLLoss on raw logits (log_softmax forgotten): NLLLoss expects log-probabilities, so the
"loss" is minus the true class's logit and runs off to minus infinity.

tracks: torch
expect-fail: train.training_loss_falls
message: never negative
"""
import torch
from torch import nn


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    torch.manual_seed(seed)
    images, labels = images.to(DEVICE), labels.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=steps)
    loss_fn = nn.NLLLoss()
    model.train()
    losses = []
    for _ in range(steps):
        batch = torch.randperm(len(images))[:batch_size].to(DEVICE)
        loss = loss_fn(model(images[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
    return losses
