"""Freezes the kernels of the first layers but forgets their biases, which keep training.

tracks: torch
expect-fail: freeze.trainable_parameters
message: biases of the frozen layers
"""


def freeze_for_finetuning(model, n_frozen):
    for conv in [model.conv1, model.conv2, model.conv3, model.conv4][:n_frozen]:
        conv.weight.requires_grad_(False)
    return [p for p in model.parameters() if p.requires_grad]
