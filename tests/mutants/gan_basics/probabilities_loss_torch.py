"""Applies the sigmoid and uses BCELoss on probabilities: exact for small logits, but BCELoss
clamps log(p) at -100, so a logit of -200 costs 100 instead of 200.

tracks: torch
expect-fail: losses.large_logits_are_stable
message: clamps the log at -100
"""


def discriminator_loss(real_logits, fake_logits):
    real_p, fake_p = torch.sigmoid(real_logits), torch.sigmoid(fake_logits)
    return F.binary_cross_entropy(real_p, torch.ones_like(real_p)) + F.binary_cross_entropy(fake_p, torch.zeros_like(fake_p))


def generator_loss(fake_logits):
    fake_p = torch.sigmoid(fake_logits)
    return F.binary_cross_entropy(fake_p, torch.ones_like(fake_p))
