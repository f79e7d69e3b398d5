"""Ignores the seed: two builds with the same seed give different networks.

tracks: torch
expect-fail: models.seeded_construction
message: seed the framework
"""


def build_discriminator(seed=0):
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 1),
    ).to(DEVICE)
