"""Sums the squared feature differences (reduction="sum") instead of averaging them.

tracks: torch
expect-fail: losses.content_loss_values
message: that is the sum
"""
from torch.nn import functional as F


def content_loss(features, target):
    return F.mse_loss(features, target, reduction="sum")
