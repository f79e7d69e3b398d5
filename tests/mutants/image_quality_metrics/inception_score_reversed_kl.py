"""Inception Score with the KL in the wrong direction: KL(p(y) || p(y|x)).

tracks: numpy
expect-fail: inception_score.inception_score_value
message: wrong direction
"""
import numpy as np


def inception_score(probs):
    p = np.asarray(probs, np.float64)
    marginal = np.broadcast_to(p.mean(axis=0, keepdims=True), p.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = np.where(marginal > 0, marginal * np.log(marginal / p), 0.0).sum(axis=1)
    return float(np.exp(kl.mean()))
