"""Hands PSNR to the grader's own pinned implementation (from graders import metrics).

tracks: numpy
kind: gaming
expect-fail: psnr.psnr_float_images
message: graders.metrics
"""
from graders import metrics as _pinned


def psnr(x, y, data_range):
    return _pinned.psnr(x, y, data_range)
