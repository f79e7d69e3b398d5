"""Squared error in the cycle loss: L2 instead of the paper's L1, which blurs less.

tracks: torch
expect-fail: losses.cycle_consistency_values
message: L1
"""


def cycle_consistency_loss(real_a, reconstructed_a, real_b, reconstructed_b, weight=10.0):
    return weight * (torch.mean((real_a - reconstructed_a) ** 2) + torch.mean((real_b - reconstructed_b) ** 2))
