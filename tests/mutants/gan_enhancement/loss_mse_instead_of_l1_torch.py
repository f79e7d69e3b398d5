"""The generator's reconstruction term uses the squared error (F.mse_loss) where pix2pix uses L1.

tracks: torch
expect-fail: losses.generator_loss_values
message: L1 distance
"""


def generator_loss(fake_logits, fake, target, l1_weight):
    adversarial = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return adversarial + l1_weight * F.mse_loss(fake, target)
