"""Computes the gradients but never applies them (no optimizer.apply_gradients): the weights never change.

tracks: tf
expect-fail: train.returns_losses
message: no weight changed
"""
import keras
import numpy as np
import tensorflow as tf


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        batch = tf.gather(images, rng.integers(0, images.shape[0], batch_size))
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(batch, training=True) - batch))
        tape.gradient(loss, model.trainable_variables)
        losses.append(float(loss))
    return losses
