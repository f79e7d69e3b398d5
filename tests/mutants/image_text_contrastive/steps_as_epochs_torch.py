"""Runs `steps` passes of 3 minibatches each (steps used as short epochs): 3 times the optimizer steps asked for.

tracks: torch
kind: gaming
expect-fail: train.returns_losses
message: were `steps` used as epochs
"""

_reference_train = train_clip


def train_clip(image_encoder, text_encoder, images, tokens, steps, seed, temperature=0.1, batch_size=32, lr=3e-3):
    losses = _reference_train(image_encoder, text_encoder, images, tokens, 3 * steps, seed, temperature, batch_size, lr)
    return losses[::3]
