"""Freezes the last n_frozen layers (next to the output) instead of the first ones.

tracks: torch
expect-fail: freeze.trainable_parameters
message: wrong layers are frozen
"""


def freeze_for_finetuning(model, n_frozen):
    convs = [model.conv1, model.conv2, model.conv3, model.conv4]
    for i, conv in enumerate(convs):
        conv.requires_grad_(i < len(convs) - n_frozen)
    return [p for p in model.parameters() if p.requires_grad]
