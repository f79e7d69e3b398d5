"""Ends the discriminator with a sigmoid: it returns probabilities, but the losses expect logits.

tracks: torch
expect-fail: models.discriminator_logits
message: drop the final sigmoid
"""


def build_discriminator(seed):
    torch.manual_seed(seed)
    return nn.Sequential(
        HighPass(),
        nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 1), nn.Sigmoid(),
    ).to(DEVICE)
