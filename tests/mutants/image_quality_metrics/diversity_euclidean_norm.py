"""Mean pairwise Euclidean distance: not divided by the number of values, so not an RMS difference.

tracks: numpy
expect-fail: diversity.diversity_value
message: divide by the number of values per image
"""
import numpy as np


def diversity(images):
    flat = np.asarray(images, np.float64).reshape(len(images), -1)
    i, j = np.triu_indices(len(flat), k=1)
    return float(np.mean(np.linalg.norm(flat[i] - flat[j], axis=1)))
