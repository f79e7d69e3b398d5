"""Hides cv2.equalizeHist behind getattr and an alias; the grader watches calls, not source text.

tracks: numpy
kind: gaming
expect-fail: equalize.equalize_shape_dtype
message: cv2.equalizeHist
"""
import cv2 as _vision

_eq = getattr(_vision, "equalize" + "Hist")


def equalize_hist(img):
    return _eq(img)
