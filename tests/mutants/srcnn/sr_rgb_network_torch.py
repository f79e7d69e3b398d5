"""Runs the luminance network on each of R, G and B (as if it were trained on RGB) instead of on Y.

tracks: torch
expect-fail: super_resolve.luma_from_network
message: only on Y
"""
import torch


def super_resolve(model, low_res, scale):
    up = bicubic_upscale(low_res, scale)
    n, c, h, w = up.shape
    with torch.no_grad():
        out = model(up.reshape(n * c, 1, h, w)).reshape(n, c, h, w)
    return out.clamp(0.0, 1.0)
