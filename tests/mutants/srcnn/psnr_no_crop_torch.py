"""PSNR over the whole image: the border is not shaved.

tracks: torch
expect-fail: psnr.shaved_psnr
message: crop `border`
"""
import torch


def psnr_shaved(sr, hr, border):
    mse = torch.mean((sr.double() - hr.double()) ** 2)
    return float(10 * torch.log10(1.0 / mse))
