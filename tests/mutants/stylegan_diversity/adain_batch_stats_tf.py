"""Normalises with statistics over the whole batch (batch norm) instead of per sample.

tracks: tf
expect-fail: adain.adain_values
message: whole batch
"""
import keras


def adain(x, scale, bias, eps=1e-5):
    mean = keras.ops.mean(x, axis=(0, 1, 2), keepdims=True)
    var = keras.ops.var(x, axis=(0, 1, 2), keepdims=True)
    return scale[:, None, None, :] * (x - mean) / keras.ops.sqrt(var + eps) + bias[:, None, None, :]
