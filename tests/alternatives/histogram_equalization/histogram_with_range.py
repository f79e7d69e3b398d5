"""np.histogram with 256 bins over range=(0, 256): a library call that is fine (the lesson names it).

tracks: numpy
"""
import numpy as np


def histogram(img):
    counts, _ = np.histogram(img, bins=256, range=(0, 256))
    return counts.astype(np.int64)
