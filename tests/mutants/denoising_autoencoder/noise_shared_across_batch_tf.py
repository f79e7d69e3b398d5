"""Draws one (H, W, C) noise image and broadcasts it over the batch: every image gets the same noise.

tracks: tf
expect-fail: add_noise.noise_statistics
message: same noise
"""
import keras


def add_noise(images, sigma, seed):
    noise = keras.random.normal(keras.ops.shape(images)[1:], stddev=sigma, seed=int(seed))
    return keras.ops.clip(images + noise, 0.0, 1.0)
