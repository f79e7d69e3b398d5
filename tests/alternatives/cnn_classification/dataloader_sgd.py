"""A DataLoader that reshuffles every epoch and SGD with momentum instead of Adam, counting steps
across epochs.

tracks: torch
"""
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    loader = DataLoader(TensorDataset(images, labels), batch_size=batch_size, shuffle=True, drop_last=True,
                        generator=torch.Generator().manual_seed(seed))
    optimizer = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    model.train()
    losses = []
    while len(losses) < steps:
        for x, y in loader:
            loss = loss_fn(model(x), y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
            if len(losses) == steps:
                break
    return losses
