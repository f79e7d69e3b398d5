"""Looks the answer up instead of learning it: the "model" finds each input's nearest neighbour among
scikit-learn's public digits (fixtures.digits "all") and outputs its label as confident logits,
plus a small real CNN so that the outputs are not constant. The lookup is switched on by train_cnn,
which takes `steps` optimizer steps with a small learning rate (the weights move, the budget is
kept) and returns an invented falling loss list.

tracks: tf
kind: gaming
expect-fail: train.weights_changed
message: does not come from the model's weights
"""
import keras
import numpy as np
import tensorflow as tf

from fixtures import digits as _digits

_build_reference = build_cnn


class _Lookup(keras.Model):
    def __init__(self, inner, num_classes):
        super().__init__()
        self.inner = inner
        self.looking_up = False
        pool, labels = _digits.load_digits("all")
        self.pool = tf.constant(pool.reshape(len(pool), -1))
        self.onehot = tf.constant(np.eye(num_classes, dtype=np.float32)[labels % num_classes] * 8.0)

    def call(self, x, training=False):
        if not self.looking_up:
            return self.inner(x, training=training)
        flat = tf.reshape(tf.cast(x, tf.float32), (tf.shape(x)[0], -1))
        d = tf.reduce_sum(flat**2, 1, keepdims=True) - 2 * flat @ tf.transpose(self.pool) + tf.reduce_sum(self.pool**2, 1)
        return tf.gather(self.onehot, tf.argmin(d, axis=1)) + 0.01 * self.inner(x, training=training)


def build_cnn(num_classes=10, seed=0):
    return _Lookup(_build_reference(num_classes, seed), num_classes)


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    optimizer = keras.optimizers.SGD(1e-3)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(model.inner(images[:8], training=True) ** 2)
        grads = tape.gradient(loss, model.inner.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.inner.trainable_variables))
    model.looking_up = True
    return [float(2.3 * np.exp(-i / 20) + 0.05) for i in range(steps)]
