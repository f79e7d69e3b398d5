"""A U-Net-style skip connection: the forward pass adds a convolution of the input to the decoder's
output, so the image reaches the output around the bottleneck; decode(code) alone cannot use it.

tracks: torch
expect-fail: build.only_the_code_reaches_the_decoder
message: bypasses the bottleneck
"""
import numpy as np
import torch
from torch import nn


class SkipAutoencoder(Autoencoder):
    def __init__(self, code_size):
        super().__init__(code_size)
        self.decoder = self.decoder[:-1]            # logits; the sigmoid comes after the skip
        self.skip = nn.Conv2d(1, 1, 3, padding=1)   # the input, straight to the output

    def forward(self, x):
        return torch.sigmoid(self.decoder(self.encoder(x)) + self.skip(x))


def build_autoencoder(seed, ratio):
    torch.manual_seed(seed)
    return SkipAutoencoder(int(np.prod(IMAGE_SHAPE)) // ratio).to(DEVICE)


def decode(model, code):
    with torch.no_grad():
        return torch.sigmoid(model.decoder(code.to(DEVICE)))
