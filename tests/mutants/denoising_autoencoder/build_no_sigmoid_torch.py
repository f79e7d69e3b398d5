"""Leaves the decoder's last layer linear (no sigmoid): outputs are not confined to [0, 1].

tracks: torch
expect-fail: build.output_range
message: end the decoder with a sigmoid
"""
from torch import nn


def build_denoiser(seed):
    torch.manual_seed(seed)
    model = DenoisingAutoencoder()
    model.decoder = nn.Sequential(nn.ConvTranspose2d(32, 1, 4, stride=2, padding=1))
    return model.to(DEVICE)
