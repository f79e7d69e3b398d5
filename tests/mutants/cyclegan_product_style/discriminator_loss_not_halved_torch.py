"""Drops the 0.5 of the LSGAN discriminator loss (CycleGAN halves D's loss to slow it down).

tracks: torch
expect-fail: losses.discriminator_loss_values
message: not halved
"""


def discriminator_loss(real_scores, fake_scores):
    return torch.mean((real_scores - 1) ** 2) + torch.mean(fake_scores ** 2)
