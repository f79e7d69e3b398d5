"""Returns mu itself (eps = 0): no sampling at all, a deterministic autoencoder.

tracks: tf
expect-fail: reparameterize.reparam_statistics
message: no noise
"""


def reparameterize(mu, logvar, seed=None):
    return mu
