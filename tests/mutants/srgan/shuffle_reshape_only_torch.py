"""Pixel shuffle as a single reshape, without the permute: the right shape, the pixels scattered.

tracks: torch
expect-fail: pixel_shuffle.shuffle_one_channel
message: a reshape alone scatters the pixels
"""


def pixel_shuffle(x, scale):
    n, crr, h, w = x.shape
    return x.reshape(n, crr // (scale * scale), h * scale, w * scale)
