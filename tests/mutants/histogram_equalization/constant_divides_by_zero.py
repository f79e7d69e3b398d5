"""Divides by N - cdf_min without guarding a single-level image (NaN cast to uint8).

tracks: numpy
expect-fail: equalize.equalize_constant_image
"""
import numpy as np


def equalize_hist(img):
    hist = histogram(img)
    cdf = np.cumsum(hist)
    cdf_min = cdf[np.flatnonzero(hist)[0]]
    with np.errstate(all="ignore"):
        lut = np.round((cdf - cdf_min) * 255.0 / (cdf[-1] - cdf_min))
    return np.nan_to_num(lut).astype(np.uint8)[img]
