"""A plain autoencoder: trained on clean inputs to reproduce them, never on noisy ones, then applied
to noisy images. It learns to copy its input, noise included.

tracks: tf
expect-fail: train.removes_flat_noise
message: NOISY inputs
"""
import keras
import numpy as np
import tensorflow as tf


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)
    def train_step(target):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(target, training=True) - target))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        losses.append(float(train_step(tf.gather(clean, rng.integers(0, clean.shape[0], batch_size)))))
    return losses
