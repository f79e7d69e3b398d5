"""Bicubic without clipping: the overshoot at edges leaves values outside [0, 1].

tracks: torch
expect-fail: bicubic.upscale_shape_and_range
message: clip the result
"""
from torch.nn import functional as F


def bicubic_upscale(images, scale):
    return F.interpolate(images, scale_factor=scale, mode="bicubic", align_corners=False)
