"""Uses a squared error in the hole instead of the absolute error.

tracks: tf
expect-fail: masked_l1.l1_values
message: squared error
"""
import keras


def masked_l1(pred, target, mask):
    ops = keras.ops
    return ops.sum(mask * ops.square(pred - target)) / ops.maximum(ops.sum(mask), 1.0)
