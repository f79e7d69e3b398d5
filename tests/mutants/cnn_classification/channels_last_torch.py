"""A PyTorch model written for channels-last images (N, 16, 16, 1), as in Keras: it permutes its
input to NCHW, so the NCHW batches PyTorch code passes around break it.

tracks: torch
expect-fail: build.output_shape
message: PyTorch images are NCHW
"""
from torch import nn

_build_cnn_reference = build_cnn


class ChannelsLast(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):  # expects (N, H, W, C)
        return self.net(x.permute(0, 3, 1, 2))


def build_cnn(num_classes=10, seed=0):
    return ChannelsLast(_build_cnn_reference(num_classes, seed)).to(DEVICE)
