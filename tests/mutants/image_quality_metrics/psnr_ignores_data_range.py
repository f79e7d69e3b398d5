"""PSNR as 10 log10(1 / MSE): data_range ignored, so 0..255 images are treated as if in [0, 1].

tracks: numpy
expect-fail: psnr.psnr_uint8_images
message: ignores data_range
"""
import numpy as np


def psnr(x, y, data_range):
    mse = np.mean((np.asarray(x, np.float64) - np.asarray(y, np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(1.0 / mse))
