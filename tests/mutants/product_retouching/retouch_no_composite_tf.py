"""White-balances but never replaces the backdrop: it stays a dull grey.

tracks: tf
expect-fail: retouch.retouch_backdrop
message: not white
"""
import tensorflow as tf


def retouch(model, photos):
    m = tf.cast(model(photos, training=False) > 0, tf.float32)
    return white_balance(photos, 1.0 - m)
