"""Clips gradient values to [-clip_norm, clip_norm] (as clip_grad_value_) instead of their norm.

tracks: torch
expect-fail: clip.clips_large_gradients
message: clips values
"""
import torch


def clip_by_global_norm(grads, clip_norm):
    return [torch.clamp(g, -clip_norm, clip_norm) for g in grads]
