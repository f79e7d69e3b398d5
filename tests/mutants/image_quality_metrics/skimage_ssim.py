"""Calls scikit-image's structural_similarity with the Gaussian settings that match the reference.

tracks: numpy
kind: gaming
expect-fail: ssim.ssim_gray_float
message: skimage.metrics
"""
import numpy as np
from skimage.metrics import structural_similarity as _ssim


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    return float(_ssim(x, y, data_range=data_range, gaussian_weights=True, sigma=1.5,
                       use_sample_covariance=False, channel_axis=-1 if x.ndim == 3 else None))
