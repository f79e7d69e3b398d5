"""Returns the BCE in nats: forgets to divide by ln 2, so a coin flip costs 0.693 instead of 1 bit.

tracks: torch
expect-fail: bits_per_dim.coin_flip_costs_one_bit
message: divide by ln 2
"""


def bits_per_dim(logits, x):
    return F.binary_cross_entropy_with_logits(logits, x)
