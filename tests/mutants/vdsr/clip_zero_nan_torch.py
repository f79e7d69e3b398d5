"""Normalises then rescales, g / norm * min(norm, clip_norm): right for non-zero gradients, but
all-zero gradients give 0 / 0 = NaN.

tracks: torch
expect-fail: clip.keeps_small_gradients
message: guard the division
"""
import torch


def clip_by_global_norm(grads, clip_norm):
    total = torch.sqrt(sum((g ** 2).sum() for g in grads))
    return [g / total * torch.clamp(total, max=clip_norm) for g in grads]
