"""Returns the content loss only: the adversarial term (and adv_weight) is forgotten.

tracks: torch
expect-fail: losses.loss_values
message: only the content term
"""


def generator_loss(fake_logits, sr, hr, adv_weight):
    return F.mse_loss(sr, hr)
