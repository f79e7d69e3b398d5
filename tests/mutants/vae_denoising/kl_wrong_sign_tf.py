"""Drops the minus sign: 0.5 * sum(1 + logvar - mu^2 - exp(logvar)), a KL that is never positive.

tracks: tf
expect-fail: kl_divergence.kl_values
message: wrong sign
"""
import keras


def kl_divergence(mu, logvar):
    return 0.5 * keras.ops.sum(1.0 + logvar - keras.ops.square(mu) - keras.ops.exp(logvar), axis=1)
