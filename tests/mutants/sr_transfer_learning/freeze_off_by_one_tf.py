"""Counts layers from 0 and freezes conv1 .. conv{n_frozen + 1}: one layer too many.

tracks: tf
expect-fail: freeze.trainable_parameters
message: off by one
"""


def freeze_for_finetuning(model, n_frozen):
    for i in range(1, 5):
        model.get_layer(f"conv{i}").trainable = i > n_frozen + 1
    return list(model.trainable_weights)
