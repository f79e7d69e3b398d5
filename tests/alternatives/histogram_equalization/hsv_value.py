"""Equalises V of HSV instead of Y of YCrCb: the lesson names both as the luminance to equalise.

tracks: numpy
"""
import cv2


def equalize_color(img):
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    hsv[..., 2] = equalize_hist(hsv[..., 2])
    return cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)
