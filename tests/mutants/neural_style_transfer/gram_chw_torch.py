"""The PyTorch tutorial's normalisation, by C*H*W, where this exercise normalises by H*W.

tracks: torch
expect-fail: gram.gram_values
message: C*H*W
"""


def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2) / (c * h * w)
