"""Adds the adversarial term unweighted: adv_weight is ignored.

tracks: torch
expect-fail: losses.loss_values
message: adv_weight is ignored
"""


def generator_loss(fake_logits, sr, hr, adv_weight):
    return F.mse_loss(sr, hr) + F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
