"""Switches the noise off while training: forward decodes mu (eps = 0), a plain autoencoder with a KL
penalty. logvar then gets no gradient from the reconstruction, and prior samples are poor.

tracks: torch
expect-fail: train.gradients_reach_encoder
message: eps = 0
"""


def _forward_mean(self, x):
    mu, logvar = self.encode(x)
    return self.decode(mu), mu, logvar


VAE.forward = _forward_mean
