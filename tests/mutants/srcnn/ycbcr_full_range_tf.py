"""Uses the full-range (JPEG / OpenCV) YCbCr: Y = 0.299 R + 0.587 G + 0.114 B without the 16/255
offset, so PSNRs on Y are not comparable with the super-resolution literature's.

tracks: tf
expect-fail: ycbcr.luma_convention
message: studio range
"""
import keras
import numpy as np

JPEG = np.array([[0.299, 0.587, 0.114], [-0.168736, -0.331264, 0.5], [0.5, -0.418688, -0.081312]], np.float32)
JPEG_OFFSET = np.array([0.0, 0.5, 0.5], np.float32)


def rgb_to_ycbcr(images):
    return keras.ops.matmul(images, JPEG.T) + JPEG_OFFSET


def ycbcr_to_rgb(images):
    return keras.ops.matmul(images - JPEG_OFFSET, np.linalg.inv(JPEG).T.astype(np.float32))
