"""Equalises R, G and B separately, which shifts the hues.

tracks: numpy
expect-fail: color.color_luminance_only
message: equalise only the luminance
"""
import numpy as np


def equalize_color(img):
    return np.stack([equalize_hist(np.ascontiguousarray(img[..., c])) for c in range(3)], axis=-1)
