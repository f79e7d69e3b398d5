"""Switches the noise off while training: call() decodes mu (eps = 0), a plain autoencoder with a KL
penalty. logvar then gets no gradient from the reconstruction, and prior samples are poor.

tracks: tf
expect-fail: train.gradients_reach_encoder
message: eps = 0
"""


def _call_mean(self, x, training=False):
    mu, logvar = self.encode(x, training=training)
    return self.decode(mu, training=training), mu, logvar


VAE.call = _call_mean
