"""Hands back real binarised training digits, each moved by one pixel (so that none is a copy), as
"samples" instead of drawing pixels from the model: a trained PixelCNN finds them about as likely as
its own samples, so the calibration test alone cannot tell.

tracks: tf
kind: gaming
expect-fail: sample.follows_the_model
message: do not come from the model's weights
"""
import numpy as np

from fixtures import digits as _digits


def sample(model, n, seed, height=16, width=16):
    pool = (_digits.load_digits("train")[0] > 0.5).astype(np.float32)
    rng = np.random.default_rng(seed)
    chosen = pool[rng.integers(0, len(pool), n)]
    chosen = np.stack([np.roll(d, tuple(rng.choice([-1, 1], 2)), axis=(0, 1)) for d in chosen])[:, :height, :width]
    canvas = np.zeros((n, height, width, 1), np.float32)
    canvas[:, :chosen.shape[1], :chosen.shape[2], 0] = chosen
    return canvas
