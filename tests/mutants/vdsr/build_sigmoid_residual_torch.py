"""A sigmoid ends the residual branch before the skip: x + sigmoid(r) can only add detail, never
remove it, and adds 0.5 where the branch outputs 0.

tracks: torch
expect-fail: build.global_skip
message: an activation
"""


def _forward_sigmoid(self, x):
    return x + torch.sigmoid(self.residual(x))


VDSR.forward = _forward_sigmoid
