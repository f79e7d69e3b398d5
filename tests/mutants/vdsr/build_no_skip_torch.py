"""No global skip: the network must reproduce the whole image instead of adding detail to its input.

tracks: torch
expect-fail: build.global_skip
message: global skip is missing
"""


def _forward_no_skip(self, x):
    return self.residual(x)


VDSR.forward = _forward_no_skip
