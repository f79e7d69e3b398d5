"""Uses the L1 content loss instead of the MSE the exercise asks for.

tracks: torch
expect-fail: losses.loss_values
message: L1 content loss
"""


def generator_loss(fake_logits, sr, hr, adv_weight):
    adversarial = F.binary_cross_entropy_with_logits(fake_logits, torch.ones_like(fake_logits))
    return F.l1_loss(sr, hr) + adv_weight * adversarial
