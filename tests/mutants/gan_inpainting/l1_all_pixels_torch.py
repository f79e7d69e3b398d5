"""Normalises the masked L1 by all pixels (F.l1_loss(pred * mask, target * mask)) instead of the
hole's pixel count: the loss shrinks with the holes' size.

tracks: torch
expect-fail: masked_l1.l1_values
message: normalised by all pixels
"""
import torch.nn.functional as F


def masked_l1(pred, target, mask):
    return F.l1_loss(pred * mask, target * mask)
