"""Keras functional API and compile + train_on_batch instead of a GradientTape loop; the sigmas and the
noise come from a keras.random.SeedGenerator instead of TensorFlow's stateless ops.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def add_blind_noise(images, sigma_range, seed):
    lo, hi = sigma_range
    generator = keras.random.SeedGenerator(int(seed))
    shape = keras.ops.shape(images)
    sigma = keras.random.uniform((shape[0], 1, 1, 1), lo, hi, dtype=images.dtype, seed=generator)
    return images + sigma * keras.random.normal(shape, dtype=images.dtype, seed=generator)


def build_dncnn(seed, depth=5, features=16):
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(shape=(None, None, 1))
    h = inputs
    for _ in range(depth - 1):
        h = keras.layers.Conv2D(features, 3, padding="same")(h)
        h = keras.layers.ReLU()(h)
    return keras.Model(inputs, keras.layers.Conv2D(1, 3, padding="same")(h))


def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        noisy = add_blind_noise(target, sigma_range, int(rng.integers(2**31 - 1)))
        losses.append(float(model.train_on_batch(noisy, noisy - target)))
    return losses
