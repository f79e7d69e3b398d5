"""Enlarges the thumbnail with bilinear interpolation instead of bicubic.

tracks: tf
expect-fail: ratio.thumbnail_matches
message: bilinear
"""
import keras
import numpy as np


def thumbnail(images, ratio):
    f = int(round(np.sqrt(ratio)))
    small = keras.ops.average_pool(images, f, strides=f)
    return keras.ops.image.resize(small, (images.shape[1], images.shape[2]), interpolation="bilinear")
