"""np.histogram(img, bins=256) without a range: the bins span the image's min..max, not 0..255.

tracks: numpy
expect-fail: histogram.histogram_shape_and_counts
message: without range=(0, 256)
"""
import numpy as np


def histogram(img):
    counts, _ = np.histogram(img, bins=256)
    return counts
