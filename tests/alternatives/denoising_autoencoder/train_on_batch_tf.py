"""Keras's compile + train_on_batch instead of a GradientTape loop.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="mse")
    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        noisy = add_noise(target, sigma, int(rng.integers(2**31 - 1)))
        losses.append(float(model.train_on_batch(noisy, target)))
    return losses
