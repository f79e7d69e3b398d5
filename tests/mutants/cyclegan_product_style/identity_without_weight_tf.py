"""Ignores the weight argument of the identity loss.

tracks: tf
expect-fail: losses.identity_loss_values
message: weight is missing
"""


def identity_loss(real_a, same_a, real_b, same_b, weight=5.0):
    return tf.reduce_mean(tf.abs(real_a - same_a)) + tf.reduce_mean(tf.abs(real_b - same_b))
