"""Draws z with NumPy's global RNG (np.random.randn) and ignores `seed`: samples are not reproducible.

tracks: tf
expect-fail: sample.sample_seeded
message: not from the global RNG
"""
import numpy as np


def sample(model, n, seed):
    z = np.random.randn(n, model.latent_dim).astype("float32")
    return model.decode(z, training=False)
