"""Nearest-neighbour upsampling + convolutions in the decoder instead of transposed convolutions, a
model that keeps encode/decode as methods, minibatches from shuffled epochs instead of sampling with
replacement, and the thumbnail with F.interpolate(mode="area").

tracks: torch
"""
import numpy as np
import torch
from torch import nn
from torch.nn import functional as F


class UpsamplingAutoencoder(nn.Module):
    def __init__(self, code_size):
        super().__init__()
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Flatten(), nn.Linear(512, code_size),
        )
        self.decoder = nn.Sequential(
            nn.Linear(code_size, 512), nn.LeakyReLU(0.2), nn.Unflatten(1, (32, 4, 4)),
            nn.Upsample(scale_factor=2), nn.Conv2d(32, 16, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Upsample(scale_factor=2), nn.Conv2d(16, 1, 3, padding=1), nn.Sigmoid(),
        )

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.decoder(z)

    def forward(self, x):
        return self.decode(self.encode(x))


def build_autoencoder(seed, ratio):
    torch.manual_seed(seed)
    return UpsamplingAutoencoder(256 // ratio).to(DEVICE)


@torch.no_grad()
def encode(model, images):
    return model.encode(images.to(DEVICE))


@torch.no_grad()
def decode(model, code):
    return model.decode(code.to(DEVICE))


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    generator = torch.Generator().manual_seed(seed)
    images = images.to(DEVICE)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    model.train()
    losses, order = [], torch.empty(0, dtype=torch.long)
    for _ in range(steps):
        if len(order) < batch_size:
            order = torch.randperm(len(images), generator=generator)
        idx, order = order[:batch_size], order[batch_size:]
        batch = images[idx.to(DEVICE)]
        loss = F.mse_loss(model(batch), batch)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


def thumbnail(images, ratio):
    f = int(round(ratio ** 0.5))
    h, w = images.shape[-2:]
    small = F.interpolate(images, size=(h // f, w // f), mode="area")
    return torch.clamp(F.interpolate(small, size=(h, w), mode="bicubic", align_corners=False), 0, 1)
