"""tf.image.psnr gives one PSNR per image; the mean of those is not the batch's PSNR.

tracks: tf
expect-fail: psnr.shaved_psnr
message: per-image
"""
import tensorflow as tf


def psnr_shaved(sr, hr, border):
    h, w = sr.shape[1], sr.shape[2]
    sr, hr = sr[:, border:h - border, border:w - border], hr[:, border:h - border, border:w - border]
    return float(tf.reduce_mean(tf.image.psnr(sr, hr, max_val=1.0)))
