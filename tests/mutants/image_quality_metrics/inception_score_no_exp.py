"""Returns the mean KL divergence and forgets the exponential.

tracks: numpy
expect-fail: inception_score.inception_score_value
message: exp of the mean KL
"""
import numpy as np


def inception_score(probs):
    p = np.asarray(probs, np.float64)
    marginal = p.mean(axis=0, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        return float(np.where(p > 0, p * np.log(p / marginal), 0.0).sum(axis=1).mean())
