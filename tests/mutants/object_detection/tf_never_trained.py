"""Computes the loss and its gradients but never applies them: the model is untrained.

tracks: tf
expect-fail: detector.detector_trains
message: no weight changed
"""
import numpy as np
import tensorflow as tf


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, images.shape[0], batch_size)
        x, y = tf.gather(images, idx), tf.gather(targets, idx)
        with tf.GradientTape() as tape:
            loss = detection_loss(model(x, training=False), y)
        tape.gradient(loss, model.trainable_variables)
        losses.append(float(loss))
    return losses
