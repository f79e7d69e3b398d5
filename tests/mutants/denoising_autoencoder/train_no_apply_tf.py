"""Computes the gradients but never applies them (no optimizer.apply_gradients): the weights never change.

tracks: tf
expect-fail: train.returns_losses
message: no weight changed
"""
import keras
import numpy as np
import tensorflow as tf


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        noisy = add_noise(target, sigma, int(rng.integers(2**31 - 1)))
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(noisy, training=True) - target))
        tape.gradient(loss, model.trainable_variables)
        losses.append(float(loss))
    return losses
