"""Inverts the matrix but forgets to subtract the (16, 128, 128)/255 offset first.

tracks: tf
expect-fail: ycbcr.inverse
message: subtract the offset
"""
import keras
import numpy as np


def ycbcr_to_rgb(images):
    inverse = np.linalg.inv(RGB_TO_YCBCR.astype(np.float64)).astype(np.float32)
    return keras.ops.matmul(images, inverse.T)
