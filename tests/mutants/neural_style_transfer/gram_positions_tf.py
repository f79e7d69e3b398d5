"""Contracts the channel axis instead of the positions: an (HW x HW) matrix of position
similarities instead of the channels x channels Gram matrix.

tracks: tf
expect-fail: gram.gram_shape
message: positions x positions
"""
import tensorflow as tf


def gram_matrix(features):
    shape = tf.shape(features)
    flat = tf.reshape(features, (shape[0], shape[1] * shape[2], shape[3]))
    return tf.matmul(flat, flat, transpose_b=True) / tf.cast(shape[1] * shape[2], features.dtype)
