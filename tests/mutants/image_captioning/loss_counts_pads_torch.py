"""A plain mean over all positions: the padding counts in the loss.

tracks: torch
expect-fail: loss.loss_value
message: padding is counted
"""


def masked_cross_entropy(logits, targets, mask):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1).long())
