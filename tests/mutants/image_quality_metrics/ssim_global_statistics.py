"""SSIM from global image statistics (one window: the whole image) instead of a sliding window.

tracks: numpy
expect-fail: ssim.ssim_gray_float
message: global image statistics
"""
import numpy as np


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.ndim == 2:
        x, y = x[..., None], y[..., None]
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    values = []
    for c in range(x.shape[-1]):
        a, b = x[..., c], y[..., c]
        cov = np.mean((a - a.mean()) * (b - b.mean()))
        values.append(((2 * a.mean() * b.mean() + c1) * (2 * cov + c2))
                      / ((a.mean() ** 2 + b.mean() ** 2 + c1) * (a.var() + b.var() + c2)))
    return float(np.mean(values))
