"""Computes the loss and its gradients at every step but never applies them
(optimizer.apply_gradients forgotten): only BatchNorm's moving statistics move.

tracks: tf
expect-fail: train.weights_changed
message: is optimizer.apply_gradients called
"""
import keras
import numpy as np
import tensorflow as tf


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    keras.utils.set_random_seed(seed)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = loss_fn(y, model(x, training=True))
        tape.gradient(loss, model.trainable_variables)
        return loss

    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        batch = rng.permutation(images.shape[0])[:batch_size]
        losses.append(float(train_step(tf.gather(images, batch), tf.gather(labels, batch))))
    return losses
