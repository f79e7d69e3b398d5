"""Ignores `seed`: the text encoder's initial weights depend on the global RNG state.

tracks: torch
expect-fail: encoders.small_and_seeded
message: seed the RNG
"""


def build_text_encoder(vocab_size, embed_dim, seed):
    return TextEncoder(vocab_size, embed_dim).to(DEVICE)
