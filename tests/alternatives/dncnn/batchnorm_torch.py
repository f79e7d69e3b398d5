"""DnCNN as in the paper: BatchNorm after every middle convolution (convolutions without bias there),
weights from nn.ModuleList in a hand-written forward, and a per-image sigma drawn with
torch.distributions.Uniform from a generator-seeded tensor.

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


def add_blind_noise(images, sigma_range, seed):
    generator = torch.Generator(device=images.device).manual_seed(int(seed))
    u = torch.rand(images.shape[0], generator=generator, device=images.device, dtype=images.dtype)
    sigma = (sigma_range[0] + (sigma_range[1] - sigma_range[0]) * u).view(-1, 1, 1, 1)
    return images + sigma * torch.randn(images.shape, generator=generator, device=images.device, dtype=images.dtype)


class BNDnCNN(nn.Module):
    def __init__(self, depth=5, features=16):
        super().__init__()
        self.first = nn.Conv2d(1, features, 3, padding=1)
        self.middle = nn.ModuleList(
            nn.Sequential(nn.Conv2d(features, features, 3, padding=1, bias=False), nn.BatchNorm2d(features), nn.ReLU())
            for _ in range(depth - 2))
        self.last = nn.Conv2d(features, 1, 3, padding=1)

    def forward(self, y):
        h = F.relu(self.first(y))
        for block in self.middle:
            h = block(h)
        return self.last(h)


def build_dncnn(seed):
    torch.manual_seed(seed)
    return BNDnCNN().to(DEVICE)
