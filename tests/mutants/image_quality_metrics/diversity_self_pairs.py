"""Averages the N x N distance matrix including its zero diagonal (the pairs i == j).

tracks: numpy
expect-fail: diversity.diversity_value
message: self-pairs
"""
import numpy as np


def diversity(images):
    flat = np.asarray(images, np.float64).reshape(len(images), -1)
    d2 = np.mean((flat[:, None, :] - flat[None, :, :]) ** 2, axis=2)
    return float(np.mean(np.sqrt(d2)))
