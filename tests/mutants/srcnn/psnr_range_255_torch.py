"""Uses the 8-bit data range 255 on images in [0, 1]: every PSNR is 48.13 dB too high.

tracks: torch
expect-fail: psnr.shaved_psnr
message: data range is 1
"""
import torch


def psnr_shaved(sr, hr, border):
    h, w = sr.shape[-2:]
    sr = sr[..., border:h - border, border:w - border].double()
    hr = hr[..., border:h - border, border:w - border].double()
    return float(10 * torch.log10(255.0**2 / torch.mean((sr - hr) ** 2)))
