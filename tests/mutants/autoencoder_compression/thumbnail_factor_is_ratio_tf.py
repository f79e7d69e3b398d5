"""Shrinks by the ratio itself instead of its square root: a factor f in both directions already
divides the number of values by f**2, so the thumbnail is far smaller than the budget allows.

tracks: tf
expect-fail: ratio.thumbnail_matches
message: square root
"""
import keras


def thumbnail(images, ratio):
    small = keras.ops.average_pool(images, ratio, strides=ratio)
    up = keras.ops.image.resize(small, (images.shape[1], images.shape[2]), interpolation="bicubic")
    return keras.ops.clip(up, 0.0, 1.0)
