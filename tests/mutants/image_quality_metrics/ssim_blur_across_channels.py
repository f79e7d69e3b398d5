"""Colour SSIM with scipy's gaussian_filter on the (H, W, 3) array: the blur also mixes R, G and B.

tracks: numpy
expect-fail: ssim.ssim_color
message: mixes the colour channels
"""
import numpy as np
from scipy import ndimage


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    blur = lambda a: ndimage.gaussian_filter(a, 1.5, truncate=3.5)  # noqa: E731 - sigma on every axis
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mu_a, mu_b = blur(x), blur(y)
    var_a, var_b = blur(x * x) - mu_a**2, blur(y * y) - mu_b**2
    cov = blur(x * y) - mu_a * mu_b
    s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
    return float(s[5:-5, 5:-5].mean())
