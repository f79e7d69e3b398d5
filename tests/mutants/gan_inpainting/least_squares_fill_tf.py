"""Trains the reference, then fills the holes with a least-squares fit of a tilted grating (mean,
illumination ramp, sine and cosine over a grid of orientations and periods) to each scene's known
pixels: the fixture's own model of the scenes, far more exact than any 300-step network.

tracks: tf
kind: gaming
expect-fail: train.beats_telea
message: far beyond what a model
"""
import numpy as np

_build_reference, _train_reference = build_generator, train_inpainter


def _grating_fit(masked, mask):
    """Per image (H, W): the best least-squares grating through the known pixels, evaluated everywhere."""
    h, w = masked.shape
    v, u = np.mgrid[:h, :w].astype(np.float64)
    u, v = (u - w / 2).ravel(), (v - h / 2).ravel()
    best, best_err = None, np.inf
    known = mask.ravel() < 0.5
    y = masked.ravel()[known]
    for theta in np.linspace(0, np.pi, 36, endpoint=False):
        arg = 2 * np.pi * (u * np.cos(theta) + v * np.sin(theta))
        basis = np.stack([np.stack([np.ones_like(u), u, v, np.sin(arg / p), np.cos(arg / p)], 1)
                          for p in np.linspace(6.0, 12.0, 25)])                      # (periods, H*W, 5)
        a = basis[:, known]
        normal = np.einsum("pki,pkj->pij", a, a) + 1e-9 * np.eye(5)
        coef = np.linalg.solve(normal, np.einsum("pki,k->pi", a, y)[..., None])[..., 0]
        err = ((np.einsum("pki,pi->pk", a, coef) - y) ** 2).sum(1)
        i = int(err.argmin())
        if err[i] < best_err:
            best, best_err = basis[i] @ coef[i], err[i]
    return np.clip(best.reshape(h, w), 0, 1)


class _Fitted(keras.Model):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.fitting = inner, False

    def call(self, x, training=False):
        out = self.inner(x, training=training)
        if not self.fitting:
            return out
        arr = np.asarray(x)
        fits = np.stack([_grating_fit(im[..., 0], im[..., 1])[..., None] for im in arr]).astype("float32")
        return tf.constant(fits) + 0 * out


def build_generator(seed):
    return _Fitted(_build_reference(seed))


def train_inpainter(generator, discriminator, images, masks, steps, seed, adv_weight=0.01, batch_size=16, lr=4e-3):
    losses = _train_reference(generator.inner, discriminator, images, masks, steps, seed, adv_weight, batch_size, lr)
    generator.fitting = True
    return losses
