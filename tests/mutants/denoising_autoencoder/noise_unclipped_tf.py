"""Forgets to clip the noisy images to [0, 1].

tracks: tf
expect-fail: add_noise.noise_shape_and_range
message: clip the noisy images
"""
import keras


def add_noise(images, sigma, seed):
    return images + keras.random.normal(keras.ops.shape(images), stddev=sigma, seed=int(seed))
