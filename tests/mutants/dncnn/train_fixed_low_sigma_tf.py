"""Trains at one fixed noise level, sigma_range[0], instead of a random sigma per image: the model
learns to remove weak noise only and fails at the higher levels.

tracks: tf
expect-fail: train.beats_gaussian_filter
message: blind training
"""
import keras
import numpy as np
import tensorflow as tf


def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)
    def train_step(noisy, noise):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(noisy, training=True) - noise))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        noise = sigma_range[0] * rng.standard_normal(target.shape).astype(np.float32)
        losses.append(float(train_step(target + noise, noise)))
    return losses
