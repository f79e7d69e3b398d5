"""An unconditional discriminator (DCGAN habit): it is built for the output image alone (1 input
channel), so it cannot take the (input, image) pair and never sees the condition.

tracks: torch
expect-fail: models.discriminator_patch_logits
message: stacked along the channel axis
"""


def build_discriminator(seed):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 8, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(8, 16, 4, stride=2, padding=1), nn.LeakyReLU(0.2),
        nn.Conv2d(16, 1, 3, padding=1),
    ).to(DEVICE)
