"""SSIM map computed on a reflect-padded image and averaged over every pixel, border included.

tracks: numpy
expect-fail: ssim.ssim_gray_float
message: valid positions only
"""
import numpy as np
from scipy import ndimage


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.ndim == 2:
        x, y = x[..., None], y[..., None]
    blur = lambda a: ndimage.gaussian_filter(a, 1.5, truncate=3.5, mode="reflect")  # noqa: E731
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    values = []
    for c in range(x.shape[-1]):
        a, b = x[..., c], y[..., c]
        mu_a, mu_b = blur(a), blur(b)
        var_a, var_b = blur(a * a) - mu_a**2, blur(b * b) - mu_b**2
        cov = blur(a * b) - mu_a * mu_b
        s = ((2 * mu_a * mu_b + c1) * (2 * cov + c2)) / ((mu_a**2 + mu_b**2 + c1) * (var_a + var_b + c2))
        values.append(s.mean())
    return float(np.mean(values))
