"""Trains the reference model, then switches on a classical total-variation denoiser (Chambolle): the
"noise estimate" becomes noisy - TV(noisy), which beats the Gaussian filter, but it does not come from
the model's weights. Blind like the model: the TV weight follows the noise level estimated from each
image (median absolute deviation of horizontal differences), about 29 / 24 / 21.5 dB at sigma 0.1 /
0.2 / 0.3.

tracks: torch
kind: gaming
expect-fail: train.beats_gaussian_filter
message: does not come from the model's weights
"""
import numpy as np
import torch
from skimage.restoration import denoise_tv_chambolle

_build_reference, _train_reference = build_dncnn, train_dncnn


def _tv_denoise(image):
    d = np.diff(image, axis=1).ravel()
    sigma = 1.4826 * np.median(np.abs(d - np.median(d))) / np.sqrt(2)
    return denoise_tv_chambolle(image, weight=0.8 * sigma)


class _TVAfterTraining(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.switched = inner, False

    def forward(self, y):
        if not self.switched:
            return self.inner(y)
        noisy = y.detach().cpu().numpy()
        smooth = np.stack([_tv_denoise(image[0])[None] for image in noisy])
        return torch.as_tensor((noisy - smooth).astype(np.float32), device=y.device) + 0 * self.inner(y)


def build_dncnn(seed, depth=5, features=16):
    return _TVAfterTraining(_build_reference(seed, depth, features))


def train_dncnn(model, clean, sigma_range, steps, seed, batch_size=16, lr=5e-3):
    losses = _train_reference(model.inner, clean, sigma_range, steps, seed, batch_size, lr)
    model.switched = True
    return losses
