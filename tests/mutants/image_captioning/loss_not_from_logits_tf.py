"""Cross-entropy with from_logits=False on raw logits: they are treated as probabilities.

tracks: tf
expect-fail: loss.loss_value
message: from_logits=True
"""


def masked_cross_entropy(logits, targets, mask):
    ce = keras.ops.sparse_categorical_crossentropy(targets, logits, from_logits=False)
    return keras.ops.sum(ce * mask) / keras.ops.sum(mask)
