"""Sizes the last layer with a hard-coded 10 instead of num_classes.

tracks: torch tf
expect-fail: build.output_shape
message: not a hard-coded 10
"""
_build_cnn_reference = build_cnn


def build_cnn(num_classes=10, seed=0):
    return _build_cnn_reference(10, seed)
