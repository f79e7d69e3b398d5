"""Builds the convolutions with bias=False and loads only the kernels: the stored biases are lost.

tracks: torch
expect-fail: load.matches_stored_network
message: biases are missing
"""
import numpy as np
import torch
from torch import nn


def load_pretrained(path):
    model = TinySR()
    for name in ("conv1", "conv2", "conv3", "conv4"):
        old = getattr(model, name)
        setattr(model, name, nn.Conv2d(old.in_channels, old.out_channels, 3, padding=1, bias=False))
    with np.load(path) as stored, torch.no_grad():
        for i, conv in enumerate([model.conv1, model.conv2, model.conv3, model.conv4], start=1):
            conv.weight.copy_(torch.as_tensor(np.ascontiguousarray(stored[f"conv{i}_kernel"].transpose(3, 2, 0, 1))))
    return model.to(DEVICE)
