"""Swaps the style's scale and bias.

tracks: tf
expect-fail: adain.adain_values
message: swapped
"""
import keras


def adain(x, scale, bias, eps=1e-5):
    mean = keras.ops.mean(x, axis=(1, 2), keepdims=True)
    var = keras.ops.var(x, axis=(1, 2), keepdims=True)
    return bias[:, None, None, :] * (x - mean) / keras.ops.sqrt(var + eps) + scale[:, None, None, :]
