"""Nearest-neighbour enlargement instead of bicubic interpolation (every pixel repeated).

tracks: tf
expect-fail: bicubic.matches_bicubic
message: nearest
"""
import keras


def bicubic_upscale(images, scale):
    h, w = images.shape[1], images.shape[2]
    return keras.ops.image.resize(images, (h * scale, w * scale), interpolation="nearest")
