"""Sums the squared Gram differences instead of averaging them.

tracks: tf
expect-fail: losses.style_loss_values
message: that is the sum
"""
import tensorflow as tf


def style_loss(features, target_gram):
    return tf.reduce_sum(tf.square(gram_matrix(features) - target_gram))
