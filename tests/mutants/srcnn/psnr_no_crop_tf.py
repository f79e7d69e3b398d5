"""PSNR over the whole image: the border is not shaved.

tracks: tf
expect-fail: psnr.shaved_psnr
message: crop `border`
"""
import keras
import numpy as np


def psnr_shaved(sr, hr, border):
    mse = float(keras.ops.mean(keras.ops.square(keras.ops.cast(sr, "float64") - keras.ops.cast(hr, "float64"))))
    return float(10 * np.log10(1.0 / mse))
