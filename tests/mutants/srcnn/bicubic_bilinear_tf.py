"""Bilinear interpolation (the resize default) instead of bicubic.

tracks: tf
expect-fail: bicubic.matches_bicubic
message: bilinear
"""
import keras


def bicubic_upscale(images, scale):
    h, w = images.shape[1], images.shape[2]
    return keras.ops.clip(keras.ops.image.resize(images, (h * scale, w * scale)), 0.0, 1.0)
