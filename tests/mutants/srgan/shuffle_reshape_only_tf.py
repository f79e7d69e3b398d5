"""Pixel shuffle as a single reshape, without the transpose: the right shape, the pixels scattered.

tracks: tf
expect-fail: pixel_shuffle.shuffle_one_channel
message: a reshape alone scatters the pixels
"""
import tensorflow as tf


def pixel_shuffle(x, scale):
    shape = tf.shape(x)
    return tf.reshape(x, (shape[0], shape[1] * scale, shape[2] * scale, x.shape[-1] // (scale * scale)))
