"""Nearest-neighbour enlargement instead of bicubic interpolation (every pixel repeated).

tracks: torch
expect-fail: bicubic.matches_bicubic
message: nearest
"""
from torch.nn import functional as F


def bicubic_upscale(images, scale):
    return F.interpolate(images, scale_factor=scale, mode="nearest")
