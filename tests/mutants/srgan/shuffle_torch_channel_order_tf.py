"""Splits the channels as (C, r, r), PyTorch's PixelShuffle order, on the Keras track: right for one
output channel, wrong as soon as there are several.

tracks: tf
expect-fail: pixel_shuffle.shuffle_channel_order
message: PixelShuffle order
"""
import tensorflow as tf


def pixel_shuffle(x, scale):
    shape = tf.shape(x)
    n, h, w = shape[0], shape[1], shape[2]
    c = x.shape[-1] // (scale * scale)
    x = tf.transpose(tf.reshape(x, (n, h, w, c, scale, scale)), (0, 1, 4, 2, 5, 3))
    return tf.reshape(x, (n, h * scale, w * scale, c))
