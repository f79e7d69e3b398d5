"""A 7 x 7 Gaussian window (sigma 1.5) instead of 11 x 11.

tracks: numpy
expect-fail: ssim.ssim_gray_float
message: 7 x 7 Gaussian window
"""
import numpy as np


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.ndim == 2:
        x, y = x[..., None], y[..., None]
    g = gaussian_kernel_1d(7, 1.5)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    values = []
    for c in range(x.shape[-1]):
        a, b = x[..., c], y[..., c]
        mu_a, mu_b = filter_valid(a, g), filter_valid(b, g)
        var_a = filter_valid(a * a, g) - mu_a**2
        var_b = filter_valid(b * b, g) - mu_b**2
        cov = filter_valid(a * b, g) - mu_a * mu_b
        s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
        values.append(s.mean())
    return float(np.mean(values))
