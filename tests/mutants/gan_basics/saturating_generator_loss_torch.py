"""The original minimax generator loss: minimise log(1 - D(G(z))), which saturates when D wins.

tracks: torch
expect-fail: losses.generator_loss_values
message: saturating
"""


def generator_loss(fake_logits):
    # log(1 - sigmoid(l)) = -BCE(l, 0)
    return -F.binary_cross_entropy_with_logits(fake_logits, torch.zeros_like(fake_logits))
