"""Ignores the `beta` argument: the loss always weighs the KL term by 1 (the plain ELBO), so a
β-VAE asked for (beta=4, or beta=0) trains as a plain VAE.

tracks: torch
expect-fail: train.beta_weighs_kl
message: `beta` argument does not weigh the KL term
"""
_train_reference = train_vae


def train_vae(model, clean, sigma, steps, seed, beta=1.0, batch_size=64, lr=3e-3):
    return _train_reference(model, clean, sigma, steps, seed, 1.0, batch_size, lr)
