"""Runs the luminance network on each of R, G and B (as if it were trained on RGB) instead of on Y.

tracks: tf
expect-fail: super_resolve.luma_from_network
message: only on Y
"""
import keras


def super_resolve(model, low_res, scale):
    up = bicubic_upscale(low_res, scale)
    channels = [model(up[..., c:c + 1], training=False) for c in range(3)]
    return keras.ops.clip(keras.ops.concatenate(channels, axis=-1), 0.0, 1.0)
