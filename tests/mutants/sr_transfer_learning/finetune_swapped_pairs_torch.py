"""Swaps input and target: trains model(hr) to match lr_up, i.e. to blur, then is applied to
blurry inputs.

tracks: torch
expect-fail: finetune.adapts_to_new_degradation
message: input and target the right way
"""
_finetune_reference = finetune


def finetune(model, lr_up, hr, steps, seed, batch_size=16, lr=1e-3):
    return _finetune_reference(model, hr, lr_up, steps, seed, batch_size=batch_size, lr=lr)
