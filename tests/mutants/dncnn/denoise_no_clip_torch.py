"""Returns noisy - model(noisy) without clipping the estimate to [0, 1].

tracks: torch
expect-fail: denoise.denoise_shape_and_range
message: clip the estimate
"""
import torch


def denoise(model, noisy):
    model.eval()
    with torch.no_grad():
        return noisy - model(noisy)
