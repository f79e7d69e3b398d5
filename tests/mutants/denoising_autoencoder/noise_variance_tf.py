"""Passes sigma**2 as the standard deviation, treating sigma as the variance.

tracks: tf
expect-fail: add_noise.noise_statistics
message: not the variance
"""
import keras


def add_noise(images, sigma, seed):
    noise = keras.random.normal(keras.ops.shape(images), stddev=sigma**2, seed=int(seed))
    return keras.ops.clip(images + noise, 0.0, 1.0)
