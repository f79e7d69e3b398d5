"""SSIM with sample (N - 1) variances and covariance: every second moment times 121 / 120.

tracks: numpy
expect-fail: ssim.ssim_gray_float
message: sample covariance
"""
import numpy as np


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.ndim == 2:
        x, y = x[..., None], y[..., None]
    g = gaussian_kernel_1d(11, 1.5)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    n = 11 * 11
    values = []
    for c in range(x.shape[-1]):
        a, b = x[..., c], y[..., c]
        mu_a, mu_b = filter_valid(a, g), filter_valid(b, g)
        var_a = (filter_valid(a * a, g) - mu_a**2) * n / (n - 1)
        var_b = (filter_valid(b * b, g) - mu_b**2) * n / (n - 1)
        cov = (filter_valid(a * b, g) - mu_a * mu_b) * n / (n - 1)
        s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
        values.append(s.mean())
    return float(np.mean(values))
