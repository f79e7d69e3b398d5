"""p * log(p / p(y)) without a guard: exact zeros give 0 * -inf = NaN.

tracks: numpy
expect-fail: inception_score.inception_score_extremes
message: 0 * log 0
"""
import numpy as np


def inception_score(probs):
    p = np.asarray(probs, np.float64)
    marginal = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        kl = (p * np.log(p / marginal)).sum(axis=1)
    return float(np.exp(kl.mean()))
