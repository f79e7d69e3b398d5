"""The generator upsamples with a plain reshape instead of a pixel shuffle: the output has the right
size, but each stage scatters the feature maps' pixels into tiles.

tracks: tf
expect-fail: models.sub_pixel_layout
message: reshape without the transpose
"""
import tensorflow as tf


def pixel_shuffle(x, scale):
    shape = tf.shape(x)
    return tf.reshape(x, (shape[0], shape[1] * scale, shape[2] * scale, x.shape[-1] // (scale * scale)))
