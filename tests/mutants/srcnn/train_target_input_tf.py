"""No training signal: the loss compares the output with the upscaled input instead of the
high-resolution target, so the residual network learns to add nothing (bicubic at best).

tracks: tf
expect-fail: train.adds_detail
message: against the upscaled input
"""
import keras
import numpy as np
import tensorflow as tf


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=3e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=learning_rate)

    @tf.function(autograph=False)
    def train_step(inputs):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(inputs, training=True) - inputs))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    return [float(train_step(tf.gather(upscaled, rng.integers(0, upscaled.shape[0], batch_size))))
            for _ in range(steps)]
