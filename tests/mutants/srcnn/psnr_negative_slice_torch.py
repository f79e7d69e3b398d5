"""Shaves with x[..., b:-b, b:-b], which is empty for b = 0 (the PSNR of nothing is NaN).

tracks: torch
expect-fail: psnr.border_zero
message: is empty
"""
import torch


def psnr_shaved(sr, hr, border):
    b = border
    mse = torch.mean((sr[..., b:-b, b:-b].double() - hr[..., b:-b, b:-b].double()) ** 2)
    return float(10 * torch.log10(1.0 / mse))
