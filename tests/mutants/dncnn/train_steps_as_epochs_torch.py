"""Treats `steps` as epochs: runs the reference loop for steps * len(clean) / batch_size minibatches
(capped at 4x here to keep the test fast) and returns only the first `steps` losses.

tracks: torch
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
_train_reference = train_dncnn


def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    return _train_reference(model, clean, sigma_range, 4 * steps, seed, batch_size, lr)[:steps]
