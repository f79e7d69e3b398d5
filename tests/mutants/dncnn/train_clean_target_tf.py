"""Trains the network to output the clean image (loss against the clean batch) while denoise still
subtracts its output as if it were the noise: not residual learning, and the two halves disagree.

tracks: tf
expect-fail: train.predicts_the_noise
message: residual learning
"""
import keras
import numpy as np
import tensorflow as tf


def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)
    def train_step(noisy, target):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(noisy, training=True) - target))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        target = tf.gather(clean, rng.integers(0, clean.shape[0], batch_size))
        losses.append(float(train_step(add_blind_noise(target, sigma_range, int(rng.integers(2**31 - 1))), target)))
    return losses
