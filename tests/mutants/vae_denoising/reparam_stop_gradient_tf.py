"""Wraps the sample in tf.stop_gradient (as if z were drawn outside the graph): the values are right,
but no gradient flows back to mu and logvar, so the reconstruction never trains the encoder.

tracks: tf
expect-fail: train.gradients_reach_encoder
message: outside the graph
"""
import keras
import tensorflow as tf


def reparameterize(mu, logvar, seed=None):
    eps = keras.random.normal(keras.ops.shape(mu), dtype=mu.dtype, seed=seed)
    return tf.stop_gradient(mu + keras.ops.exp(0.5 * logvar) * eps)
