"""Ignores `seed`: the initial weights depend on whatever state the global RNG is in.

tracks: torch
expect-fail: build.small_and_seeded
message: seed the RNG
"""


def build_denoiser(seed):
    return DenoisingAutoencoder().to(DEVICE)
