"""Keeps every f-th pixel (images[..., ::f, ::f]) instead of averaging f x f blocks: the thumbnail is
aliased, and thin strokes fall between the kept pixels.

tracks: torch
expect-fail: ratio.thumbnail_matches
message: aliasing
"""
import numpy as np
from torch.nn import functional as F


def thumbnail(images, ratio):
    f = int(round(np.sqrt(ratio)))
    small = images[:, :, ::f, ::f]
    return F.interpolate(small, scale_factor=f, mode="bicubic", align_corners=False).clamp(0.0, 1.0)
