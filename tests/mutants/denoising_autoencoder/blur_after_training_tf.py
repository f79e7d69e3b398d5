"""Trains the reference model, then switches on a classical Gaussian blur (width 1.2, near the best
for this noise level): the "model" output no longer comes from its weights.

tracks: tf
kind: gaming
expect-fail: train.psnr_gain
message: does not come from the model's weights
"""
import keras
import numpy as np
import tensorflow as tf
from scipy import ndimage

_build_reference, _train_reference = build_denoiser, train_denoiser


class _BlurAfterTraining(keras.Model):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.blurring = inner, False

    def call(self, x, training=False):
        if not self.blurring:
            return self.inner(x, training=training)
        blurred = ndimage.gaussian_filter(np.asarray(x), (0, 1.2, 1.2, 0), mode="reflect")
        return tf.constant(np.clip(blurred, 0, 1).astype(np.float32)) + 0 * self.inner(x, training=training)


def build_denoiser(seed):
    return _BlurAfterTraining(_build_reference(seed))


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    losses = _train_reference(model.inner, clean, sigma, steps, seed, batch_size, lr)
    model.blurring = True
    return losses
