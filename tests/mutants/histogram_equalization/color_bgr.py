"""Treats the RGB input as BGR (cv2.COLOR_BGR2YCrCb, OpenCV's habit from cv2.imread).

tracks: numpy
expect-fail: color.color_luminance_only
message: read as BGR
"""
import cv2


def equalize_color(img):
    ycrcb = cv2.cvtColor(img, cv2.COLOR_BGR2YCrCb)
    ycrcb[..., 0] = equalize_hist(ycrcb[..., 0])
    return cv2.cvtColor(ycrcb, cv2.COLOR_YCrCb2BGR)
