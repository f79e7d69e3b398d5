"""Draws one sigma for the whole batch instead of one per image.

tracks: tf
expect-fail: add_blind_noise.noise_per_image_sigma
message: one sigma per IMAGE
"""
import keras


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = keras.random.SeedGenerator(int(seed))
    sigma = keras.random.uniform((), lo, hi, seed=generator)
    return images + sigma * keras.random.normal(keras.ops.shape(images), seed=generator)
