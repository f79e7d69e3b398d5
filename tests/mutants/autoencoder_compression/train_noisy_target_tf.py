"""Trains towards a noisy copy of the input (clip(batch + 0.2 * noise)): clipped at 0, the noise has a
positive mean on the black background, and the model learns to paint it grey.

tracks: tf
expect-fail: train.black_background
message: grey
"""
import keras
import numpy as np
import tensorflow as tf


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)

    @tf.function(autograph=False)
    def train_step(batch, target):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(batch, training=True) - target))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        batch = tf.gather(images, rng.integers(0, images.shape[0], batch_size))
        target = keras.ops.clip(batch + rng.normal(0.0, 0.2, batch.shape).astype("float32"), 0.0, 1.0)
        losses.append(float(train_step(batch, target)))
    return losses
