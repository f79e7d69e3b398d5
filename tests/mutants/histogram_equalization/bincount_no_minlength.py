"""np.bincount without minlength: the histogram stops at the image's brightest level.

tracks: numpy
expect-fail: histogram.histogram_shape_and_counts
message: minlength=256
"""
import numpy as np


def histogram(img):
    return np.bincount(img.ravel())
