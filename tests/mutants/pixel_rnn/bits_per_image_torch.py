"""Sums the BCE over each image's pixels and averages over the batch only: bits per image, not
bits per dimension.

tracks: torch
expect-fail: bits_per_dim.coin_flip_costs_one_bit
message: bits per image
"""


def bits_per_dim(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / len(x) / math.log(2)
