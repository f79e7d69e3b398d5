"""Diversity with scipy.spatial.distance.pdist (RMS = Euclidean / sqrt(P)); Inception Score from
entropies, log IS = H(p(y)) - mean_i H(p(y|x_i)), with scipy.special.entr.

tracks: numpy
"""
import numpy as np
from scipy.spatial.distance import pdist
from scipy.special import entr


def diversity(images):
    flat = np.asarray(images, np.float64).reshape(len(images), -1)
    return float(np.mean(pdist(flat)) / np.sqrt(flat.shape[1]))


def inception_score(probs):
    p = np.asarray(probs, np.float64)
    marginal_entropy = entr(p.mean(axis=0)).sum()
    mean_entropy = entr(p).sum(axis=1).mean()
    return float(np.exp(marginal_entropy - mean_entropy))
