"""Calls model.eval() to "freeze" the model: eval mode only switches dropout and batch norm, every
parameter still has requires_grad=True and keeps training.

tracks: torch
expect-fail: freeze.trainable_parameters
message: nothing is frozen
"""


def freeze_for_finetuning(model, n_frozen):
    model.eval()
    return [p for p in model.parameters() if p.requires_grad]
