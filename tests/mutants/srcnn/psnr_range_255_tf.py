"""tf.image.psnr with max_val=255 on images in [0, 1] (48.13 dB too high), averaged over images.

tracks: tf
expect-fail: psnr.shaved_psnr
message: data range is 1
"""
import tensorflow as tf


def psnr_shaved(sr, hr, border):
    h, w = sr.shape[1], sr.shape[2]
    sr, hr = sr[:, border:h - border, border:w - border], hr[:, border:h - border, border:w - border]
    mse = tf.reduce_mean(tf.square(tf.cast(sr, tf.float64) - tf.cast(hr, tf.float64)))
    return float(10 * tf.math.log(255.0**2 / mse) / tf.math.log(tf.constant(10.0, tf.float64)))
