"""Smooths the balanced product with a 3x3 box filter ("denoising" it): edges and label stripes blur.

tracks: torch
expect-fail: retouch.retouch_structure
message: do not blur
"""
import torch
from torch.nn import functional as F


def retouch(model, photos):
    model.eval()
    with torch.no_grad():
        m = (model(photos) > 0).float()
        balanced = F.avg_pool2d(white_balance(photos, 1.0 - m), 3, stride=1, padding=1, count_include_pad=False)
        return m * balanced + (1.0 - m)
