"""Clips every gradient tensor's norm separately instead of the global norm.

tracks: torch
expect-fail: clip.clips_large_gradients
message: separately
"""
import torch


def clip_by_global_norm(grads, clip_norm):
    return [g * torch.clamp(clip_norm / (g.norm() + 1e-12), max=1.0) for g in grads]
