"""Subtracts the images in their own dtype: uint8 differences wrap around (3 - 5 = 254).

tracks: numpy
expect-fail: psnr.psnr_uint8_images
message: wraps around
"""
import numpy as np


def psnr(x, y, data_range):
    mse = np.mean((x - y).astype(np.float64) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(data_range**2 / mse))
