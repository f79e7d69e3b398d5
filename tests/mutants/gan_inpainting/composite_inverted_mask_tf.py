"""Blends with the mask the wrong way round: keeps the generator's output outside the holes and the
blank input inside them.

tracks: tf
expect-fail: composite.outside_unchanged
message: is the mask inverted
"""


def composite(pred, masked_input, mask):
    return (1.0 - mask) * pred + mask * masked_input
