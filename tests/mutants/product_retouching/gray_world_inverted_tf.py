"""Multiplies by channel mean / gray level: the gains go the wrong way and double the cast.

tracks: tf
expect-fail: gray_world.gray_world_values
message: inverted
"""
import tensorflow as tf


def gray_world(images):
    means = tf.reduce_mean(images, axis=(1, 2), keepdims=True)
    return tf.clip_by_value(images * means / tf.reduce_mean(means, axis=3, keepdims=True), 0.0, 1.0)
