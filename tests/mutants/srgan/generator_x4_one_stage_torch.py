"""Builds one x2 upsampling stage whatever the scale: at x4 the output is only twice the input's size.

tracks: torch
expect-fail: models.generator_shapes
message: x4 needs two x2 upsampling stages
"""


class Generator(nn.Module):
    def __init__(self, scale, width):
        super().__init__()
        self.scale = scale
        self.head = nn.Sequential(nn.Conv2d(1, width, 3, padding=1), nn.LeakyReLU(0.2))
        self.upsample = nn.Sequential(nn.Conv2d(width, 4 * width, 3, padding=1), PixelShuffle(2), nn.LeakyReLU(0.2))
        self.tail = nn.Conv2d(width, 1, 3, padding=1)

    def forward(self, x):
        return self.tail(self.upsample(self.head(x))) + F.interpolate(x, scale_factor=2, mode="bicubic")
