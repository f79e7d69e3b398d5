"""Normalises with statistics over the whole batch (batch norm) instead of per sample.

tracks: torch
expect-fail: adain.adain_values
message: whole batch
"""
import torch


def adain(x, scale, bias, eps=1e-5):
    mean = x.mean(dim=(0, 2, 3), keepdim=True)
    var = x.var(dim=(0, 2, 3), keepdim=True, unbiased=False)
    return scale[:, :, None, None] * (x - mean) / torch.sqrt(var + eps) + bias[:, :, None, None]
