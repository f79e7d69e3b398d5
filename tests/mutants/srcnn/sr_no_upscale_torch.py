"""Runs the network on the low-resolution image and forgets to upscale it first: SRCNN keeps the
size of its input, so the result is as small as the input.

tracks: torch
expect-fail: super_resolve.sr_shape_and_range
message: upscale with bicubic_upscale BEFORE the network
"""
import torch


def super_resolve(model, low_res, scale):
    ycc = rgb_to_ycbcr(low_res)
    with torch.no_grad():
        y = model(ycc[:, :1])
    return ycbcr_to_rgb(torch.cat([y, ycc[:, 1:]], dim=1)).clamp(0.0, 1.0)
