"""Weights the colour by the product (1 - background) instead of the backdrop.

tracks: tf
expect-fail: white_balance.white_balance_values
message: over the product
"""
import tensorflow as tf


def white_balance(images, background):
    weights = 1.0 - background
    colour = tf.reduce_sum(images * weights, axis=(1, 2), keepdims=True) / tf.reduce_sum(weights, axis=(1, 2), keepdims=True)
    return tf.clip_by_value(images * tf.reduce_mean(colour, axis=3, keepdims=True) / colour, 0.0, 1.0)
