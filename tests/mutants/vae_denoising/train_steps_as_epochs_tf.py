"""Treats `steps` as epochs: every "step" is a pass over the training digits in batches of 64 (about
16 optimizer updates), then returns one loss per "step" so that the list has the right length.

tracks: tf
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
import numpy as np

_train_reference = train_vae


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    per_epoch = -(-int(clean.shape[0]) // batch_size)
    losses = _train_reference(model, clean, sigma, steps * per_epoch, seed, beta, batch_size, lr)
    return [float(np.mean(losses[i * per_epoch:(i + 1) * per_epoch])) for i in range(steps)]
