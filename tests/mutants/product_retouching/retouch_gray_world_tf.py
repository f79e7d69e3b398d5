"""Corrects the product with gray world instead of the backdrop's colour.

tracks: tf
expect-fail: retouch.retouch_colour
message: better than gray world
"""
import tensorflow as tf


def retouch(model, photos):
    m = tf.cast(model(photos, training=False) > 0, tf.float32)
    return m * gray_world(photos) + (1.0 - m)
