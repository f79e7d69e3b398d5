"""Hands back real binarised training digits as "samples" (a seeded random choice of fixtures.digits'
training split) instead of drawing pixels from the model: a trained PixelCNN finds them as likely as
its own samples, so the calibration test alone cannot tell.

tracks: tf
kind: gaming
expect-fail: sample.follows_the_model
message: near-copies of training digits
"""
import numpy as np

from fixtures import digits as _digits


def sample(model, n, seed, height=16, width=16):
    pool = (_digits.load_digits("train")[0] > 0.5).astype(np.float32)
    chosen = pool[np.random.default_rng(seed).integers(0, len(pool), n), :height, :width]
    canvas = np.zeros((n, height, width, 1), np.float32)
    canvas[:, :chosen.shape[1], :chosen.shape[2], 0] = chosen
    return canvas
