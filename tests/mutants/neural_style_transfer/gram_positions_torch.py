"""Transposes the wrong factor: F^T F, a positions x positions (HW x HW) matrix, instead of the
channels x channels F F^T.

tracks: torch
expect-fail: gram.gram_shape
message: positions x positions
"""


def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat.transpose(1, 2) @ flat / (h * w)
