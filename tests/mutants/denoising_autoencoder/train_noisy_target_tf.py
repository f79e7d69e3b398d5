"""Trains the model to reproduce its noisy input (loss against the noisy batch, not the clean one):
it learns the identity and removes no noise.

tracks: tf
expect-fail: train.removes_flat_noise
message: The target is the CLEAN batch
"""
import keras
import numpy as np
import tensorflow as tf


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)
    def train_step(noisy):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(noisy, training=True) - noisy))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        losses.append(float(train_step(add_noise(target, sigma, int(rng.integers(2**31 - 1))))))
    return losses
