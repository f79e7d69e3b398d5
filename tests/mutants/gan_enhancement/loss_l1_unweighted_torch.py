"""The L1 term is added without its weight lambda (l1_weight is ignored).

tracks: torch
expect-fail: losses.generator_loss_values
message: not multiplied by l1_weight
"""


def generator_loss(fake_logits, fake, target, l1_weight):
    adversarial = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return adversarial + F.l1_loss(fake, target)
