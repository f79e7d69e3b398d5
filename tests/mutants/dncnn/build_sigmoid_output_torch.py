"""Ends the network with a sigmoid, as if it produced an image: the noise estimate can never be negative.

tracks: torch
expect-fail: build.unbounded_output
message: no sigmoid
"""
import torch
from torch import nn


def build_dncnn(seed):
    torch.manual_seed(seed)
    model = DnCNN()
    model.layers.append(nn.Sigmoid())
    return model.to(DEVICE)
