"""Discriminator ends with a sigmoid while the loss expects logits: the sigmoid is applied twice.

tracks: torch
expect-fail: models.discriminator_logits
message: probabilities
"""


def build_discriminator(seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 16, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, kernel_size=4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Flatten(), nn.Linear(32 * 4 * 4, 1), nn.Sigmoid(),
    ).to(DEVICE)
