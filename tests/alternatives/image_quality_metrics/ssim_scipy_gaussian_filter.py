"""SSIM with scipy.ndimage.gaussian_filter (truncate=3.5 gives the 11 taps), cropped to the valid region;
PSNR through the RMSE.

tracks: numpy
"""
import numpy as np
from scipy import ndimage


def psnr(x, y, data_range):
    rmse = np.sqrt(np.mean((np.asarray(x, np.float64) - np.asarray(y, np.float64)) ** 2))
    return np.inf if rmse == 0 else 20 * np.log10(data_range / rmse)


def ssim(x, y, data_range):
    x, y = np.atleast_3d(np.asarray(x, np.float64)), np.atleast_3d(np.asarray(y, np.float64))
    blur = lambda a: ndimage.gaussian_filter(a, sigma=(1.5, 1.5, 0), truncate=3.5)[5:-5, 5:-5]  # noqa: E731
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx**2, blur(y * y) - my**2, blur(x * y) - mx * my
    s = (2 * mx * my + c1) * (2 * cxy + c2) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return s.mean()  # all channels have the same number of positions: one mean is the mean of the means
