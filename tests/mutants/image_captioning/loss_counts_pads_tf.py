"""A plain mean over all positions: the padding counts in the loss.

tracks: tf
expect-fail: loss.loss_value
message: padding is counted
"""


def masked_cross_entropy(logits, targets, mask):
    return keras.ops.mean(keras.ops.sparse_categorical_crossentropy(targets, logits, from_logits=True))
