"""Returns the generator's output as it is, without pasting back the known pixels.

tracks: torch
expect-fail: composite.outside_unchanged
message: paste it into the holes only
"""


def composite(pred, masked_input, mask):
    return pred
