"""Maps through cdf / N without subtracting cdf_min, so the darkest level does not reach 0.

tracks: numpy
expect-fail: equalize.equalize_matches_opencv
message: subtract cdf_min
"""
import numpy as np


def equalize_hist(img):
    cdf = np.cumsum(histogram(img))
    lut = np.round(cdf * 255.0 / cdf[-1])
    return lut.astype(np.uint8)[img]
