"""The generator upsamples with a plain reshape instead of a pixel shuffle: the output has the right
size, but each stage scatters the feature maps' pixels into tiles.

tracks: torch
expect-fail: models.sub_pixel_layout
message: reshape without the transpose
"""


class PixelShuffle(nn.Module):
    def __init__(self, scale):
        super().__init__()
        self.scale = scale

    def forward(self, x):
        n, crr, h, w = x.shape
        return x.reshape(n, crr // self.scale**2, h * self.scale, w * self.scale)
