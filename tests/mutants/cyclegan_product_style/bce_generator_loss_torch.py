"""LSGAN/BCE confusion: the generator's adversarial term is the non-saturating BCE of the DCGAN
recipe, while the discriminator (and the exercise) use least squares on raw scores.

tracks: torch
expect-fail: losses.generator_adversarial_loss_values
message: non-saturating BCE
"""


def generator_adversarial_loss(fake_scores):
    return F.binary_cross_entropy_with_logits(fake_scores, torch.ones_like(fake_scores))


import torch.nn.functional as F  # noqa: E402
