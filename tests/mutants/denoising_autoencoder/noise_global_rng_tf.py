"""Draws the noise with an unseeded tf.random.normal and ignores `seed`: the noise is not
reproducible.

tracks: tf
expect-fail: add_noise.noise_is_seeded
message: not from the global RNG
"""
import tensorflow as tf


def add_noise(images, sigma, seed):
    return tf.clip_by_value(images + tf.random.normal(tf.shape(images), stddev=sigma), 0.0, 1.0)
