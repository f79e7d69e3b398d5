"""Trains the reference model, then switches on a classical Gaussian blur (width 1.2, near the best
for this noise level): the "model" output no longer comes from its weights.

tracks: torch
kind: gaming
expect-fail: train.psnr_gain
message: does not come from the model's weights
"""
import numpy as np
import torch
from scipy import ndimage

_build_reference, _train_reference = build_denoiser, train_denoiser


class _BlurAfterTraining(torch.nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.blurring = inner, False

    def forward(self, x):
        if not self.blurring:
            return self.inner(x)
        blurred = ndimage.gaussian_filter(x.detach().cpu().numpy(), (0, 0, 1.2, 1.2), mode="reflect")
        return torch.as_tensor(np.clip(blurred, 0, 1), device=x.device) + 0 * self.inner(x)


def build_denoiser(seed):
    return _BlurAfterTraining(_build_reference(seed))


def train_denoiser(model, clean, sigma, steps, seed, batch_size=16, lr=5e-3):
    losses = _train_reference(model.inner, clean, sigma, steps, seed, batch_size, lr)
    model.blurring = True
    return losses
