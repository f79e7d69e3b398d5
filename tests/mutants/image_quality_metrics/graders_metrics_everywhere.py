"""Imports the grader's metrics module under another name and reaches it through getattr, in ssim:
the grader watches calls, not source text.

tracks: numpy
kind: gaming
expect-fail: ssim.ssim_gray_float
message: graders.metrics
"""
import importlib

_m = importlib.import_module("graders." + "metrics")


def ssim(x, y, data_range):
    return getattr(_m, "ss" + "im")(x, y, data_range)
