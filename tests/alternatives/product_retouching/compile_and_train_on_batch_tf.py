"""The Keras way: compile with a from-logits BinaryCrossentropy and step with train_on_batch;
gray world through keras.ops.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf


def gray_world(images):
    means = keras.ops.mean(images, axis=(1, 2), keepdims=True)
    return keras.ops.clip(images / means * keras.ops.mean(means, axis=-1, keepdims=True), 0.0, 1.0)


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    rng = np.random.default_rng(seed)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr),
                  loss=keras.losses.BinaryCrossentropy(from_logits=True))
    losses = []
    for _ in range(steps):
        idx = rng.integers(0, photos.shape[0], batch_size)
        losses.append(float(model.train_on_batch(tf.gather(photos, idx), tf.gather(masks, idx))))
    return losses
