"""Applies the gradients to the decoder's weights only (model.get_layer("decoder").trainable_variables):
the encoder keeps its random initial weights and only the decoder learns.

tracks: tf
expect-fail: train.encoder_learns
message: the encoder is not trained
"""
import keras
import numpy as np
import tensorflow as tf


def train_autoencoder(model, images, steps, seed, batch_size=32, lr=5e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = model.get_layer("decoder").trainable_variables

    @tf.function(autograph=False)
    def train_step(batch):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(batch, training=True) - batch))
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    losses = []
    for _ in range(steps):
        losses.append(float(train_step(tf.gather(images, rng.integers(0, images.shape[0], batch_size)))))
    return losses
