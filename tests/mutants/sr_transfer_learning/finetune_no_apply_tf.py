"""Computes the gradients but never applies them (no optimizer.apply_gradients): nothing is learnt.

tracks: tf
expect-fail: finetune.returns_losses
message: no weight changed
"""
import keras
import numpy as np
import tensorflow as tf


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, lr_up.shape[0], batch_size)
        x, y = tf.gather(lr_up, idx), tf.gather(hr, idx)
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x, training=True) - y))
        tape.gradient(loss, model.trainable_variables)
        losses.append(float(loss))
    return losses
