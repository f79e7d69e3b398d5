"""Trains the reference SRGAN, then switches the generator to plain bicubic upscaling (the fixtures' own), which is within
the PSNR bar (bicubic or better, minus 0.1 dB): the output no longer comes from the generator's weights.
Only after a run at SRGAN's default adv_weight, so that runs at other weights still differ from it.

tracks: torch
kind: gaming
expect-fail: train.beats_bicubic
message: does not come from the model's weights
"""
import numpy as np
import torch

from fixtures import degrade

_build_reference, _train_reference = build_generator, train_srgan


class _BicubicAfterTraining(torch.nn.Module):
    def __init__(self, inner, scale):
        super().__init__()
        self.inner, self.scale, self.switched = inner, scale, False

    def forward(self, x):
        if not self.switched:
            return self.inner(x)
        up = degrade.upscale_bicubic(x.detach().cpu().numpy()[:, 0], self.scale)[:, None]
        return torch.as_tensor(up.astype(np.float32), device=x.device) + 0 * self.inner(x)


def build_generator(scale, seed, width=16):
    return _BicubicAfterTraining(_build_reference(scale, seed, width), scale)


def train_srgan(generator, discriminator, low_res, high_res, steps, seed, adv_weight=1e-3,
                batch_size=16, learning_rate=1e-3):
    history = _train_reference(generator.inner, discriminator, low_res, high_res, steps, seed, adv_weight,
                               batch_size, learning_rate)
    generator.switched = adv_weight == 1e-3
    return history
