"""Trains the reference model, then switches on a classical unsharp mask of the bicubic Y (Gaussian
width 1, amount 0.6): the "super-resolved" output no longer comes from the model's weights.

tracks: tf
kind: gaming
expect-fail: train.beats_bicubic
message: does not come from the model's weights
"""
import keras
import numpy as np
import tensorflow as tf
from scipy import ndimage

_build_reference, _train_reference = build_srcnn, train_srcnn


class _UnsharpAfterTraining(keras.Model):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.switched = inner, False

    def call(self, x, training=False):
        if not self.switched:
            return self.inner(x, training=training)
        up = np.asarray(x)
        sharp = up + 0.6 * (up - ndimage.gaussian_filter(up, (0, 1.0, 1.0, 0), mode="reflect"))
        return tf.constant(sharp.astype(np.float32)) + 0 * self.inner(x, training=training)


def build_srcnn(seed):
    return _UnsharpAfterTraining(_build_reference(seed))


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=2e-3):
    losses = _train_reference(model.inner, upscaled, target, steps, seed, batch_size, learning_rate)
    model.switched = True
    return losses
