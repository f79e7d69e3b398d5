"""Reshapes channels-last features straight to (N, C, H*W), as if they were channels first: the
"channels" are then scrambled mixtures of positions and channels.

tracks: tf
expect-fail: gram.gram_values
message: channels are scrambled
"""
import tensorflow as tf


def gram_matrix(features):
    shape = tf.shape(features)
    flat = tf.reshape(features, (shape[0], shape[3], shape[1] * shape[2]))
    return tf.matmul(flat, flat, transpose_b=True) / tf.cast(shape[1] * shape[2], features.dtype)
