"""Sets model.trainable = False: every layer is frozen, so fine-tuning can change nothing.

tracks: tf
expect-fail: freeze.trainable_parameters
message: everything is frozen
"""


def freeze_for_finetuning(model, n_frozen):
    model.trainable = False
    return list(model.trainable_weights)
