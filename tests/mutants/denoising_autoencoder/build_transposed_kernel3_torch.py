"""ConvTranspose2d(kernel 3, stride 2, padding 1) without output_padding: 16x16 becomes 31x31, not 32x32.

tracks: torch
expect-fail: build.output_shape
message: does not restore the input size
"""
from torch import nn


def build_denoiser(seed):
    torch.manual_seed(seed)
    model = DenoisingAutoencoder()
    model.decoder = nn.Sequential(nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1), nn.Sigmoid())
    return model.to(DEVICE)
