"""Clips the noisy images to [0, 1], so noisy - clean is no longer the Gaussian noise near black and white.

tracks: tf
expect-fail: add_blind_noise.noise_shape_unclipped
message: do not clip the noisy images
"""
import keras


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = keras.random.SeedGenerator(int(seed))
    shape = keras.ops.shape(images)
    sigma = keras.random.uniform((shape[0], 1, 1, 1), lo, hi, seed=generator)
    return keras.ops.clip(images + sigma * keras.random.normal(shape, seed=generator), 0.0, 1.0)
