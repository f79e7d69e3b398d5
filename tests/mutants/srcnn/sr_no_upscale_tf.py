"""Runs the network on the low-resolution image and forgets to upscale it first: SRCNN keeps the
size of its input, so the result is as small as the input.

tracks: tf
expect-fail: super_resolve.sr_shape_and_range
message: upscale with bicubic_upscale BEFORE the network
"""
import keras


def super_resolve(model, low_res, scale):
    ycc = rgb_to_ycbcr(low_res)
    y = model(ycc[..., :1], training=False)
    return keras.ops.clip(ycbcr_to_rgb(keras.ops.concatenate([y, ycc[..., 1:]], axis=-1)), 0.0, 1.0)
