"""Uses the library's pixel shuffle (F.pixel_shuffle, nn.PixelShuffle) and PReLU activations, as the
SRGAN paper does, instead of a hand-written rearrangement and LeakyReLU.

tracks: torch
"""
from torch import nn
from torch.nn import functional as F


def pixel_shuffle(x, scale):
    return F.pixel_shuffle(x, scale)


class Generator(nn.Module):
    def __init__(self, scale, width):
        super().__init__()
        self.scale = scale
        self.head = nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.PReLU(width))
        self.body = nn.Sequential(nn.Conv2d(width, width, 3, padding=1), nn.PReLU(width),
                                  nn.Conv2d(width, width, 3, padding=1))
        stages = []
        for _ in range({2: 1, 4: 2}[scale]):
            stages += [nn.Conv2d(width, 4 * width, 3, padding=1), nn.PixelShuffle(2), nn.PReLU(width)]
        self.upsample = nn.Sequential(*stages)
        self.tail = nn.Conv2d(width, 1, 3, padding=1)
        nn.init.zeros_(self.tail.weight)
        nn.init.zeros_(self.tail.bias)

    def forward(self, x):
        features = self.head(x)
        detail = self.tail(self.upsample(features + self.body(features)))
        return detail + F.interpolate(x, scale_factor=self.scale, mode="bicubic", align_corners=False)
