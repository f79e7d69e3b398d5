"""Content loss on Gram matrices: it then measures style, not layout, and the content is lost.

tracks: tf
expect-fail: losses.content_loss_values
message: position by position
"""
import tensorflow as tf


def content_loss(features, target):
    return tf.reduce_mean(tf.square(gram_matrix(features) - gram_matrix(target)))
