"""A loop-based histogram and an OpenCV-equivalent LUT built with np.interp: also correct.

tracks: numpy
"""
import numpy as np


def histogram(img):
    counts = np.zeros(256, np.int64)
    for value in img.ravel():
        counts[value] += 1
    return counts
