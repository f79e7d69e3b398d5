"""Leaves out the sigmoid at the end of the decoder: reconstructions are not confined to [0, 1].

tracks: torch
expect-fail: build.reconstruction_shape_and_range
message: sigmoid
"""
import numpy as np
import torch
from torch import nn


def build_autoencoder(seed, ratio):
    torch.manual_seed(seed)
    model = Autoencoder(int(np.prod(IMAGE_SHAPE)) // ratio)
    model.decoder = model.decoder[:-1]  # drop nn.Sigmoid()
    return model.to(DEVICE)
