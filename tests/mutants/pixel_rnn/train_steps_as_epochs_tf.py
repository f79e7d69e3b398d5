"""Treats `steps` as epochs: every "step" is a pass over the training digits in batches of 32 (about
42 optimizer updates), then returns one loss per "step" so that the list has the right length.

tracks: tf
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
import numpy as np

_train_reference = train_pixelcnn


def train_pixelcnn(model, images, steps, seed, batch_size=32, lr=5e-3):
    per_epoch = -(-int(images.shape[0]) // batch_size)
    losses = _train_reference(model, images, steps * per_epoch, seed, batch_size, lr)
    return [float(np.mean(losses[i * per_epoch:(i + 1) * per_epoch])) for i in range(steps)]
