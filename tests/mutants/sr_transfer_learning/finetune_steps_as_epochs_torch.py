"""Treats `steps` as epochs: runs the reference fine-tuning for 4x the optimizer steps asked for and
returns only the first `steps` losses.

tracks: torch
kind: gaming
expect-fail: finetune.returns_losses
message: used as epochs
"""
_finetune_reference = finetune


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    return _finetune_reference(model, lr_up, hr, 4 * steps, seed, batch_size, lr)[:steps]
