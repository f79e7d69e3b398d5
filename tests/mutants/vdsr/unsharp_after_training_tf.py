"""Trains the reference model, then switches on a classical unsharp mask of the bicubic input (Gaussian
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

_build_reference, _train_reference = build_vdsr, train_vdsr


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


def build_vdsr(seed, depth=5, width=16):
    return _UnsharpAfterTraining(_build_reference(seed, depth, width))


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    losses = _train_reference(model.inner, lr_up, hr, steps, seed, learning_rate, clip_norm, batch_size)
    model.switched = True
    return losses
