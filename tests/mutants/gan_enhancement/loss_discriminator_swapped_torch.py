"""discriminator_loss labels real pairs 0 and generated pairs 1.

tracks: torch
expect-fail: losses.discriminator_loss_values
message: labels are swapped
"""


def discriminator_loss(real_logits, fake_logits):
    real_loss = F.binary_cross_entropy_with_logits(real_logits, torch.zeros_like(real_logits))
    fake_loss = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return real_loss + fake_loss
