"""Keeps a fixed code of 64 values whatever the ratio (the ratio is ignored): at ratio 16 the code
is 4x larger than stated.

tracks: tf
expect-fail: build.code_size
message: larger than stated
"""
import keras

_reference_build_autoencoder = build_autoencoder


def build_autoencoder(seed, ratio):
    return _reference_build_autoencoder(seed, 4)
