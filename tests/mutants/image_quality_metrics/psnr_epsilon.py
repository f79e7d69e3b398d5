"""Adds an epsilon to the MSE, so identical images get a large finite PSNR instead of inf.

tracks: numpy
expect-fail: psnr.psnr_behaviour
message: float('inf')
"""
import numpy as np


def psnr(x, y, data_range):
    mse = np.mean((np.asarray(x, np.float64) - np.asarray(y, np.float64)) ** 2)
    return float(10 * np.log10(data_range**2 / (mse + 1e-10)))
