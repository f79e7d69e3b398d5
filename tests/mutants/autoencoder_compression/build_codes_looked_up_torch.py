"""A "codec" that keeps every image it encoded in a table on the model, keyed by its code, and decodes
by looking the code up (the decoder network only serves unknown codes); its forward pass is the
identity. On the sender's side everything agrees, but a copy of the model (the receiver's) gets
nothing but the code and cannot decode it.

tracks: torch
expect-fail: build.only_the_code_reaches_the_decoder
message: a second model built with the same seed
"""
import torch
from torch import nn

_reference_build_autoencoder = build_autoencoder


class LookupAutoencoder(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.encoder, self.decoder = inner.encoder, inner.decoder
        self.table = {}

    def forward(self, x):
        return x


def build_autoencoder(seed, ratio):
    return LookupAutoencoder(_reference_build_autoencoder(seed, ratio)).to(DEVICE)


def encode(model, images):
    with torch.no_grad():
        code = model.encoder(images.to(DEVICE))
    for c, image in zip(code, images):
        model.table[c.cpu().numpy().tobytes()] = image.to(DEVICE)
    return code


def decode(model, code):
    with torch.no_grad():
        out = model.decoder(code.to(DEVICE))
    for i, c in enumerate(code):
        kept = model.table.get(c.cpu().numpy().tobytes())
        if kept is not None:
            out[i] = kept
    return out
