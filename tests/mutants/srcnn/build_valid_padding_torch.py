"""The paper's unpadded convolutions (and no residual): the output is 8 pixels smaller than the input.

tracks: torch
expect-fail: build.same_size_output
message: pad every convolution
"""
import torch
from torch import nn


def build_srcnn(seed):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Conv2d(1, 32, 5), nn.ReLU(), nn.Conv2d(32, 16, 1), nn.ReLU(),
                         nn.Conv2d(16, 1, 5)).to(DEVICE)
