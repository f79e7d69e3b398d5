"""Diversity through the Gram-matrix trick in the input's float32, clipped at 0; Inception Score with
an epsilon inside the log, as often written.

tracks: numpy
"""
import numpy as np


def diversity(images):
    flat = images.reshape(len(images), -1)
    sq = (flat * flat).sum(axis=1)
    d2 = np.clip(sq[:, None] + sq[None, :] - 2 * flat @ flat.T, 0, None) / flat.shape[1]
    iu = np.triu_indices(len(flat), 1)
    return float(np.sqrt(d2[iu]).mean())


def inception_score(probs, eps=1e-12):
    py = probs.mean(axis=0)
    kl = (probs * (np.log(probs + eps) - np.log(py + eps))).sum(axis=1)
    return float(np.exp(kl.mean()))
