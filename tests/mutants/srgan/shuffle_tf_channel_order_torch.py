"""Splits the channels as (r, r, C), TensorFlow's depth_to_space order, on the PyTorch track: right for
one output channel, wrong as soon as there are several.

tracks: torch
expect-fail: pixel_shuffle.shuffle_channel_order
message: depth_to_space order
"""


def pixel_shuffle(x, scale):
    n, crr, h, w = x.shape
    c = crr // (scale * scale)
    x = x.reshape(n, scale, scale, c, h, w).permute(0, 3, 4, 1, 5, 2)
    return x.reshape(n, c, h * scale, w * scale)
