"""Treats logvar as the standard deviation: z = mu + logvar * eps.

tracks: tf
expect-fail: reparameterize.reparam_statistics
message: logvar is the log-variance
"""
import keras


def reparameterize(mu, logvar, seed=None):
    return mu + logvar * keras.random.normal(keras.ops.shape(mu), dtype=mu.dtype, seed=seed)
