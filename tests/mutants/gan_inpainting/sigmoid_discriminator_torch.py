"""Ends the discriminator with a sigmoid: it returns probabilities, not the logits the BCE-with-logits
loss expects.

tracks: torch
expect-fail: models.discriminator_logits
message: probabilities
"""
import torch
from torch import nn


def build_discriminator(seed):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(32, 1, 3, padding=1),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Sigmoid(),
    ).to(DEVICE)
