"""Upscales Cb and Cr with nearest-neighbour interpolation (only Y gets the bicubic + network path).

tracks: torch
expect-fail: super_resolve.chroma_is_bicubic
message: keep the bicubic Cb and Cr
"""
import torch
from torch.nn import functional as F


def super_resolve(model, low_res, scale):
    y_up = rgb_to_ycbcr(bicubic_upscale(low_res, scale))[:, :1]
    chroma = F.interpolate(rgb_to_ycbcr(low_res)[:, 1:], scale_factor=scale, mode="nearest")
    with torch.no_grad():
        y = model(y_up)
    return ycbcr_to_rgb(torch.cat([y, chroma], dim=1)).clamp(0.0, 1.0)
