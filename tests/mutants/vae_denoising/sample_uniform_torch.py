"""Draws z from the uniform distribution on [0, 1) (torch.rand) instead of the prior N(0, I).

tracks: torch
expect-fail: sample.samples_look_like_digits
message: z ~ N(0, I)
"""
import torch


def sample(model, n, seed):
    generator = torch.Generator(device=DEVICE).manual_seed(int(seed))
    z = torch.rand((n, model.latent_dim), generator=generator, device=DEVICE)
    model.eval()
    with torch.no_grad():
        return model.decode(z)
