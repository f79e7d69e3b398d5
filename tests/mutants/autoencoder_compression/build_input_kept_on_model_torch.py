"""The model blends its input into the decoder's output (a skip around the bottleneck), and to make
decode(encode(x)) agree with it, encode stores the images on the model and decode blends them back
in: the decoder sees the input, not just the code.

tracks: torch
expect-fail: build.only_the_code_reaches_the_decoder
message: the decoder must see the code alone
"""
import numpy as np
import torch


class BlendingAutoencoder(Autoencoder):
    def forward(self, x):
        return 0.5 * self.decoder(self.encoder(x)) + 0.5 * x


def build_autoencoder(seed, ratio):
    torch.manual_seed(seed)
    return BlendingAutoencoder(int(np.prod(IMAGE_SHAPE)) // ratio).to(DEVICE)


def encode(model, images):
    model.last_images = images.to(DEVICE)
    with torch.no_grad():
        return model.encoder(model.last_images)


def decode(model, code):
    with torch.no_grad():
        out = model.decoder(code.to(DEVICE))
        kept = getattr(model, "last_images", None)
        if kept is not None and len(kept) == len(code):
            out = 0.5 * out + 0.5 * kept
        return out
