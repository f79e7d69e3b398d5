"""Feeds the network tf.image.rgb_to_yuv's full-range luma (0.299 R + 0.587 G + 0.114 B, no 16/255
offset) instead of the studio-range Y it was built for, and converts back with yuv_to_rgb.

tracks: tf
expect-fail: super_resolve.luma_from_network
message: full-range
"""
import keras
import tensorflow as tf


def super_resolve(model, low_res, scale):
    yuv = tf.image.rgb_to_yuv(bicubic_upscale(low_res, scale))
    y = model(yuv[..., :1], training=False)
    return keras.ops.clip(tf.image.yuv_to_rgb(tf.concat([y, yuv[..., 1:]], axis=-1)), 0.0, 1.0)
