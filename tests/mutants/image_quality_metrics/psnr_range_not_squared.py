"""PSNR as 10 log10(data_range / MSE): the log of the MSE without the square of the range.

tracks: numpy
expect-fail: psnr.psnr_uint8_images
message: square the data range
"""
import numpy as np


def psnr(x, y, data_range):
    mse = np.mean((np.asarray(x, np.float64) - np.asarray(y, np.float64)) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(data_range / mse))
