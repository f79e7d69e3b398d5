"""Moves the sub-pixel axes to the wrong sides: channel offset i becomes the column inside each r x r
block and j the row (the block is transposed).

tracks: torch
expect-fail: pixel_shuffle.shuffle_one_channel
message: offsets are swapped
"""


def pixel_shuffle(x, scale):
    n, crr, h, w = x.shape
    c = crr // (scale * scale)
    x = x.reshape(n, c, scale, scale, h, w).permute(0, 1, 4, 3, 5, 2)
    return x.reshape(n, c, h * scale, w * scale)
