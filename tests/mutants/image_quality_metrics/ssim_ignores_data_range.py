"""SSIM with C1 = 0.01 ** 2 and C2 = 0.03 ** 2 whatever data_range is: wrong for 0..255 images.

tracks: numpy
expect-fail: ssim.ssim_uint8
message: C1 and C2 scale with data_range
"""
_reference_ssim = ssim


def ssim(x, y, data_range):
    return _reference_ssim(x, y, 1.0)
