"""Another idiom: the network as an nn.ModuleList of bias-free convolutions with F.leaky_relu in forward,
clip_by_global_norm via torch.linalg.vector_norm, and torch.nn.utils.clip_grad_norm_ in training.

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def clip_by_global_norm(grads, clip_norm):
    total = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g.double()) for g in grads]))
    factor = clip_norm / torch.clamp(total, min=clip_norm)   # = min(1, clip_norm / total), safe at 0
    return [g * factor.to(g.dtype) for g in grads]


class PlainVDSR(nn.Module):
    def __init__(self, depth, width):
        super().__init__()
        channels = [1] + [width] * (depth - 1) + [1]
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 3, padding=1, bias=False) for a, b in zip(channels, channels[1:]))
        for conv in self.convs[:-1]:
            nn.init.kaiming_normal_(conv.weight, a=0.2, nonlinearity="leaky_relu")
        nn.init.normal_(self.convs[-1].weight, std=1e-3)

    def forward(self, x):
        h = x
        for conv in self.convs[:-1]:
            h = F.leaky_relu(conv(h), 0.2)
        return x + self.convs[-1](h)


def build_vdsr(seed, depth=5, width=16):
    torch.manual_seed(seed)
    return PlainVDSR(depth, width).to(DEVICE)


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    rng = np.random.default_rng(seed)
    lr_up, hr = lr_up.to(DEVICE), hr.to(DEVICE)
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate, momentum=0.9)
    losses = []
    for _ in range(steps):
        idx = torch.as_tensor(rng.integers(0, len(hr), batch_size), device=DEVICE)
        loss = F.mse_loss(model(lr_up[idx]), hr[idx])
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip_norm)
        optimizer.step()
        losses.append(loss.item())
    return losses
