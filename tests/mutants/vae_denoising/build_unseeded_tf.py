"""Ignores `seed` when building the model: the initial weights change from call to call.

tracks: tf
expect-fail: build.small_and_seeded
message: seed the RNG
"""
import keras


def build_vae(seed, latent_dim=8):
    model = VAE(latent_dim, seed=seed)
    model(keras.ops.zeros((1, 16, 16, 1)))
    return model
