"""Gram matrix without normalisation (F F^T, not divided by H*W): its scale grows with the image
size, so the style weight means something else for every image size.

tracks: torch
expect-fail: gram.gram_values
message: divide F F^T by H*W
"""


def gram_matrix(features):
    n, c, h, w = features.shape
    flat = features.reshape(n, c, h * w)
    return flat @ flat.transpose(1, 2)
