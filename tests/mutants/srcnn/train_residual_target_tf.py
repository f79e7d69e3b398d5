"""Double residual: the model already returns x + convs(x), yet the loss compares its output with the
residual target - upscaled, so the trained output is a small correction, not an image.

tracks: tf
expect-fail: train.beats_bicubic
message: looks like the residual
"""
import keras
import numpy as np
import tensorflow as tf


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=2e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function(autograph=False)
    def train_step(inputs, targets):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(inputs, training=True) - (targets - inputs)))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, upscaled.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(upscaled, idx), tf.gather(target, idx))))
    return losses
