"""Forgets the factor 0.5 in front of the sum.

tracks: tf
expect-fail: kl_divergence.kl_values
message: factor 0.5
"""
import keras


def kl_divergence(mu, logvar):
    return -keras.ops.sum(1.0 + logvar - keras.ops.square(mu) - keras.ops.exp(logvar), axis=1)
