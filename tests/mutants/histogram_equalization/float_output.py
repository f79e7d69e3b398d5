"""Returns the equalised image as floats in [0, 1] instead of uint8.

tracks: numpy
expect-fail: equalize.equalize_shape_dtype
message: expected dtype uint8
"""
import numpy as np


def equalize_hist(img):
    cdf = np.cumsum(histogram(img))
    cdf_min = cdf[np.flatnonzero(histogram(img))[0]]
    return (cdf[img] - cdf_min) / max(cdf[-1] - cdf_min, 1)
