"""Forgets the skip connection: returns conv4(...) instead of x + conv4(...), so the pretrained
residual network outputs only the missing detail.

tracks: torch
expect-fail: load.matches_stored_network
message: skip connection
"""
from torch.nn import functional as F


def _forward_without_skip(self, x):
    h = F.relu(self.conv1(x))
    h = F.relu(self.conv2(h))
    h = F.relu(self.conv3(h))
    return self.conv4(h)


TinySR.forward = _forward_without_skip
