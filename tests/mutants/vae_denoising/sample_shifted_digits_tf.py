"""Hands back real training digits, each shifted by a pixel and slightly blurred so that none is an
exact copy, mixed with a trace of the decoder's output so the samples are not constant: the samples do
not come from the model.

tracks: tf
kind: gaming
expect-fail: sample.samples_look_like_digits
message: do not come from the model's weights
"""
import numpy as np
from scipy import ndimage

from fixtures import digits as _digits

_sample_reference = sample


def sample(model, n, seed):
    pool = _digits.load_digits("train")[0]
    rng = np.random.default_rng(seed)
    chosen = pool[rng.integers(0, len(pool), n)]
    moved = np.stack([ndimage.shift(d, rng.choice([-1, 1], 2), order=0) for d in chosen])
    moved = ndimage.gaussian_filter(moved, (0, 0.5, 0.5))[..., None]
    decoded = np.asarray(_sample_reference(model, n, seed))
    return np.clip(0.95 * moved + 0.05 * decoded, 0, 1).astype(np.float32)
