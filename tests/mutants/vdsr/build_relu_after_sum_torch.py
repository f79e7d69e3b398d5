"""A ReLU after the global skip, relu(x + residual(x)): the output layer is no longer linear.

tracks: torch
expect-fail: build.global_skip
message: AFTER the sum
"""
from torch.nn import functional as F


def _forward_relu(self, x):
    return F.relu(x + self.residual(x))


VDSR.forward = _forward_relu
