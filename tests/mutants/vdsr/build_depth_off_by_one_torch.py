"""`depth - 1` middle layers instead of `depth - 2`: depth + 1 convolutions in all, one more than asked.

tracks: torch
expect-fail: build.depth_is_receptive_field
message: exactly `depth` 3x3 convolutions
"""


def build_vdsr(seed, depth=5, width=16):
    torch.manual_seed(seed)
    return VDSR(depth + 1, width).to(DEVICE)
