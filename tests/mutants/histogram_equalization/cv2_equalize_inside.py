"""Calls cv2.equalizeHist inside equalize_hist instead of building the look-up table: the output is
right, but the library call is the answer the part asks for.

tracks: numpy
kind: gaming
expect-fail: equalize.equalize_shape_dtype
message: cv2.equalizeHist
"""
import cv2


def equalize_hist(img):
    return cv2.equalizeHist(img)
