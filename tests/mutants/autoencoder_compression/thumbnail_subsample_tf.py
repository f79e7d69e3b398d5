"""Keeps every f-th pixel (images[:, ::f, ::f]) instead of averaging f x f blocks: the thumbnail is
aliased, and thin strokes fall between the kept pixels.

tracks: tf
expect-fail: ratio.thumbnail_matches
message: aliasing
"""
import keras
import numpy as np


def thumbnail(images, ratio):
    f = int(round(np.sqrt(ratio)))
    small = images[:, ::f, ::f, :]
    up = keras.ops.image.resize(small, (images.shape[1], images.shape[2]), interpolation="bicubic")
    return keras.ops.clip(up, 0.0, 1.0)
