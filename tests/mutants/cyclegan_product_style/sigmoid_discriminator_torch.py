"""Ends the discriminator with a sigmoid (the DCGAN habit): LSGAN wants raw scores.

tracks: torch
expect-fail: models.discriminator_patch_scores
message: probabilities
"""


def build_discriminator(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(3, 16, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, 4, 2, 1), nn.LeakyReLU(0.2),
        nn.Conv2d(32, 1, 3, padding=1), nn.Sigmoid(),
    ).to(DEVICE)
