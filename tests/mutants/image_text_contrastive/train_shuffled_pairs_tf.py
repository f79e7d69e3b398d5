"""Shuffles the images and the captions separately before batching: the pairs no longer match.

tracks: tf
expect-fail: train.heldout_loss_falls
message: SAME indices
"""
import keras
import numpy as np
import tensorflow as tf


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    variables = image_encoder.trainable_variables + text_encoder.trainable_variables

    @tf.function(autograph=False)
    def train_step(batch_images, batch_tokens):
        with tf.GradientTape() as tape:
            loss = info_nce(image_encoder(batch_images, training=True), text_encoder(batch_tokens, training=True),
                            temperature)
        optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
        return loss

    losses = []
    for _ in range(steps):
        idx_images = rng.choice(images.shape[0], batch_size, replace=False)
        idx_tokens = rng.choice(images.shape[0], batch_size, replace=False)
        losses.append(float(train_step(tf.gather(images, idx_images), tf.gather(tokens, idx_tokens))))
    return losses
