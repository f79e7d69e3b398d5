"""Decodes a random sample z at test time (the model's forward pass) instead of the posterior mean:
the output changes from call to call.

tracks: torch
expect-fail: denoise.denoise_deterministic
message: decode the posterior mean
"""
import torch


def denoise(model, noisy):
    model.eval()
    with torch.no_grad():
        return model(noisy.to(DEVICE))[0]
