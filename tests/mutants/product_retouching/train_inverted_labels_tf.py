"""Trains against 1 - mask: the logits come out positive on the backdrop.

tracks: tf
expect-fail: segment.segmenter_heldout_iou retouch.retouch_backdrop
message: IoU
"""
import keras
import numpy as np
import tensorflow as tf


def train_segmenter(model, photos, masks, steps, seed, batch_size=16, lr=3e-3):
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(learning_rate=lr)
    optimizer.build(model.trainable_variables)

    @tf.function
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.nn.sigmoid_cross_entropy_with_logits(labels=1.0 - y, logits=model(x, training=True)))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, photos.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(photos, idx), tf.gather(masks, idx))))
    return losses
