"""Keras's clipvalue= clips every gradient value to [-clip_norm, clip_norm] instead of the global norm.

tracks: tf
expect-fail: step.clipped_step
message: VALUES
"""
import keras
import numpy as np
import tensorflow as tf


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.SGD(learning_rate=learning_rate, momentum=0.9, clipvalue=clip_norm)

    @tf.function(autograph=False)
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x, training=True) - y))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, hr.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(lr_up, idx), tf.gather(hr, idx))))
    return losses

