"""Computes the gradients but never applies them: no weight changes.

tracks: tf
expect-fail: train.returns_losses
message: changed during training
"""
import numpy as np
import tensorflow as tf


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    losses = []
    for _ in range(steps):
        idx = rng.choice(images.shape[0], batch_size, replace=False)
        with tf.GradientTape() as tape:
            loss = info_nce(image_encoder(tf.gather(images, idx), training=True),
                            text_encoder(tf.gather(tokens, idx), training=True), temperature)
        tape.gradient(loss, image_encoder.trainable_variables + text_encoder.trainable_variables)
        losses.append(float(loss))
    return losses
