"""Forgets to clip the bicubic enlargement, which overshoots below 0 and above 1 near edges.

tracks: torch
expect-fail: ratio.thumbnail_matches
message: clip the bicubic
"""
import numpy as np
from torch.nn import functional as F


def thumbnail(images, ratio):
    f = int(round(np.sqrt(ratio)))
    return F.interpolate(F.avg_pool2d(images, f), scale_factor=f, mode="bicubic", align_corners=False)
