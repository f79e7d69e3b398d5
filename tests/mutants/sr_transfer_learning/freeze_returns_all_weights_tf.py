"""Freezes nothing: returns model.weights (every variable) and never sets layer.trainable.

tracks: tf
expect-fail: freeze.trainable_parameters
message: nothing is frozen
"""


def freeze_for_finetuning(model, n_frozen):
    return list(model.weights)
