"""Treats the mask as "1 = known pixel": the loss measures the pixels outside the hole.

tracks: torch
expect-fail: masked_l1.l1_values
message: the mask is inverted
"""


def masked_l1(pred, target, mask):
    known = 1 - mask
    return (known * (pred - target).abs()).sum() / known.sum().clamp(min=1.0)
