"""Ignores `seed`: the generator's initial weights depend on whatever state the global RNG is in.

tracks: torch
expect-fail: models.small_and_seeded
message: seed the RNG
"""


def build_generator(scale, seed, width=16):
    return Generator(scale, width).to(DEVICE)
