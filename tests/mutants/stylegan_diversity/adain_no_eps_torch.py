"""Divides by the standard deviation without eps: a flat channel becomes 0 / 0.

tracks: torch
expect-fail: adain.adain_flat_channel
message: eps
"""
import torch


def adain(x, scale, bias, eps=1e-5):
    mean = x.mean(dim=(2, 3), keepdim=True)
    std = x.std(dim=(2, 3), keepdim=True, unbiased=False)
    return scale[:, :, None, None] * (x - mean) / std + bias[:, :, None, None]
