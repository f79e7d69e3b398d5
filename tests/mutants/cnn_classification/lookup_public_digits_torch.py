"""Looks the answer up instead of learning it: the "model" finds each input's nearest neighbour among
scikit-learn's public digits (fixtures.digits "all") and outputs its label as confident logits,
plus a small real CNN so that the outputs are not constant. The lookup is switched on by train_cnn,
which takes `steps` optimizer steps with a small learning rate (the weights move, the budget is
kept) and returns an invented falling loss list.

tracks: torch
kind: gaming
expect-fail: train.weights_changed
message: does not come from the model's weights
"""
import numpy as np
import torch
from torch import nn

from fixtures import digits as _digits

_build_reference = build_cnn


class _Lookup(nn.Module):
    def __init__(self, inner, num_classes):
        super().__init__()
        self.inner = inner
        self.looking_up = False
        pool, labels = _digits.load_digits("all")
        self.pool = torch.as_tensor(pool.reshape(len(pool), -1), device=DEVICE)  # not in the state_dict
        self.onehot = (torch.eye(num_classes)[torch.as_tensor(labels) % num_classes] * 8.0).to(DEVICE)

    def forward(self, x):
        if not self.looking_up:
            return self.inner(x)
        flat = x.reshape(len(x), -1).to(self.pool.dtype)
        nearest = torch.cdist(flat, self.pool).argmin(dim=1)
        return self.onehot[nearest] + 0.01 * self.inner(x)


def build_cnn(num_classes=10, seed=0):
    return _Lookup(_build_reference(num_classes, seed), num_classes).to(DEVICE)


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    for _ in range(steps):
        optimizer.zero_grad()
        model.inner(images[:8].to(DEVICE)).square().mean().backward()
        optimizer.step()
    model.looking_up = True
    return [float(2.3 * np.exp(-i / 20) + 0.05) for i in range(steps)]
