"""Sizes the code with the square root of the ratio (the downscale factor of a thumbnail) instead of
the ratio: at ratio 16 the code holds 64 values, 4x more than stated.

tracks: torch
expect-fail: build.code_size
message: larger than stated
"""
import numpy as np
import torch


def build_autoencoder(seed, ratio):
    torch.manual_seed(seed)
    return Autoencoder(int(np.prod(IMAGE_SHAPE)) // int(np.sqrt(ratio))).to(DEVICE)
