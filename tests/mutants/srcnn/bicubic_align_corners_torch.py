"""Bicubic with align_corners=True: the pixel grid is stretched corner to corner, shifting the image.

tracks: torch
expect-fail: bicubic.matches_bicubic
message: align_corners
"""
from torch.nn import functional as F


def bicubic_upscale(images, scale):
    return F.interpolate(images, scale_factor=scale, mode="bicubic", align_corners=True).clamp(0.0, 1.0)
