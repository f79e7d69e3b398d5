"""Normalises the masked L1 by all pixels (the mean of |pred - target| * mask) instead of the
hole's pixel count: the loss shrinks with the holes' size.

tracks: tf
expect-fail: masked_l1.l1_values
message: normalised by all pixels
"""
import keras


def masked_l1(pred, target, mask):
    return keras.ops.mean(keras.ops.abs(pred - target) * mask)
