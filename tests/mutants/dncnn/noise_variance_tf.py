"""Passes sigma**2 as the standard deviation, treating sigma as the variance.

tracks: tf
expect-fail: add_blind_noise.noise_per_image_sigma
message: not the variance
"""
import keras


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = keras.random.SeedGenerator(int(seed))
    shape = keras.ops.shape(images)
    sigma = keras.random.uniform((shape[0], 1, 1, 1), lo, hi, seed=generator)
    return images + keras.random.normal(shape, seed=generator) * sigma**2
