"""Adds the predicted noise instead of subtracting it (the wrong sign).

tracks: torch
expect-fail: denoise.denoise_subtracts_noise
message: subtract it
"""
import torch


def denoise(model, noisy):
    model.eval()
    with torch.no_grad():
        return (noisy + model(noisy)).clamp(0.0, 1.0)
