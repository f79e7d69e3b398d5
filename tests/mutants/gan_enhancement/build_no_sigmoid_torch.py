"""The generator ends with its last convolution, no sigmoid: outputs are not images in [0, 1]
(and the seed's 1-channel sigmoid head is forgotten the other way round).

tracks: torch
expect-fail: models.generator_output
message: sigmoid
"""


class UNetGenerator(nn.Module):
    def __init__(self):
        super().__init__()
        self.inc = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.2))
        self.down = nn.Sequential(nn.Conv2d(8, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2))
        self.up = nn.Sequential(nn.ConvTranspose2d(16, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2))
        self.out = nn.Conv2d(16, 1, 3, padding=1)

    def forward(self, x):
        skip = self.inc(x)
        return self.out(torch.cat([skip, self.up(self.down(skip))], dim=1))
