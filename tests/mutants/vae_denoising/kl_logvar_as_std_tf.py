"""Reads logvar as the standard deviation: 0.5 * sum(mu^2 + s^2 - 1 - log(s^2)) with s = logvar.

tracks: tf
expect-fail: kl_divergence.kl_values
message: logvar used as the standard deviation
"""
import keras


def kl_divergence(mu, logvar):
    var = keras.ops.square(logvar)
    return 0.5 * keras.ops.sum(keras.ops.square(mu) + var - 1.0 - keras.ops.log(var), axis=1)
