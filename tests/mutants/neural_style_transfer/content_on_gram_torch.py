"""Content loss on Gram matrices: it then measures style, not layout, and the content is lost.

tracks: torch
expect-fail: losses.content_loss_values
message: position by position
"""
from torch.nn import functional as F


def content_loss(features, target):
    return F.mse_loss(gram_matrix(features), gram_matrix(target))
