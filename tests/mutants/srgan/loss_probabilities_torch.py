"""Applies a sigmoid to the logits, then a loss that expects logits: the adversarial term is computed
on probabilities.

tracks: torch
expect-fail: losses.loss_values
message: sigmoid applied to the logits
"""


def generator_loss(fake_logits, sr, hr, adv_weight):
    p = torch.sigmoid(fake_logits)
    return F.mse_loss(sr, hr) + adv_weight * F.binary_cross_entropy_with_logits(p, torch.ones_like(p))
