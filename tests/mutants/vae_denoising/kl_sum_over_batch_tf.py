"""Reduces over the batch axis (axis=0) instead of the latent axis: one value per latent dimension.

tracks: tf
expect-fail: kl_divergence.kl_shape
message: reduced over the batch axis
"""
import keras


def kl_divergence(mu, logvar):
    return -0.5 * keras.ops.sum(1.0 + logvar - keras.ops.square(mu) - keras.ops.exp(logvar), axis=0)
