"""SSIM with a uniform 11 x 11 box window instead of the Gaussian (sigma 1.5).

tracks: numpy
expect-fail: ssim.ssim_gray_float
message: uniform 11 x 11 window
"""
import numpy as np


def gaussian_kernel_1d(size=11, sigma=1.5):
    return np.full(size, 1.0 / size)
