"""Treats `steps` as epochs: runs the reference loop for 4x the optimizer steps asked for and returns
only the first `steps` losses.

tracks: tf
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
_train_reference = train_srcnn


def train_srcnn(model, upscaled, target, steps, seed, batch_size=16, learning_rate=2e-3):
    return _train_reference(model, upscaled, target, 4 * steps, seed, batch_size, learning_rate)[:steps]
