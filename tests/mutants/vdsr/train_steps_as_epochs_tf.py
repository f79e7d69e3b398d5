"""Treats `steps` as epochs: runs the reference loop for 4x the optimizer steps asked for and returns
only the first `steps` losses.

tracks: tf
kind: gaming
expect-fail: train.returns_losses
message: used as epochs
"""
_train_reference = train_vdsr


def train_vdsr(model, lr_up, hr, steps, seed, learning_rate=0.5, clip_norm=0.02, batch_size=8):
    if steps <= 2:
        return _train_reference(model, lr_up, hr, steps, seed, learning_rate, clip_norm, batch_size)
    return _train_reference(model, lr_up, hr, 4 * steps, seed, learning_rate, clip_norm, batch_size)[:steps]
