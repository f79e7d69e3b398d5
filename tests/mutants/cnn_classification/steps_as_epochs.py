"""Treats `steps` as epochs: every "step" is a full pass over the shuffled training digits, about
20 times the optimizer updates the budget allows (and the grading time). It returns one loss per
epoch, so the list has the right length.

tracks: torch tf
kind: gaming
expect-fail: train.weights_changed
message: used as epochs
"""
import numpy as np

_train_reference = train_cnn


def train_cnn(model, images, labels, steps, seed, batch_size=64):
    per_epoch = -(-int(images.shape[0]) // batch_size)
    losses = _train_reference(model, images, labels, steps * per_epoch, seed, batch_size)
    return [float(np.mean(losses[i * per_epoch:(i + 1) * per_epoch])) for i in range(steps)]
