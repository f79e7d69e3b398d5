"""Runs `steps` passes of 3 batches each (steps used as short epochs): 3 times the optimizer steps asked for.

tracks: torch
kind: gaming
expect-fail: train.returns_losses
message: were `steps` used as epochs
"""

_reference_train = train_captioner


def train_captioner(model, images, captions, steps, seed, batch_size=32, lr=5e-3):
    losses = _reference_train(model, images, captions, 3 * steps, seed, batch_size, lr)
    return losses[::3]
