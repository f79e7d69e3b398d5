"""Calls model.requires_grad_(True) at the start of fine-tuning "so that gradients flow": it undoes
the freezing, and the first layers train too.

tracks: torch
expect-fail: finetune.frozen_layers_unchanged
message: bit-identical
"""
_finetune_reference = finetune


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    model.requires_grad_(True)
    return _finetune_reference(model, lr_up, hr, steps, seed, batch_size=batch_size, lr=lr)
