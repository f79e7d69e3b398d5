"""Enlarges the thumbnail with nearest-neighbour interpolation (blocky) instead of bicubic.

tracks: torch
expect-fail: ratio.thumbnail_matches
message: nearest-neighbour
"""
import numpy as np
from torch.nn import functional as F


def thumbnail(images, ratio):
    f = int(round(np.sqrt(ratio)))
    return F.interpolate(F.avg_pool2d(images, f), scale_factor=f, mode="nearest")
