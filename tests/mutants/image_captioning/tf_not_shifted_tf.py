"""Targets equal to the decoder inputs (not shifted by one): the model learns to copy its input.

tracks: tf
expect-fail: teacher_forcing.tf_values
message: shifted left by one
"""


def teacher_forcing_batch(captions):
    captions = tf.cast(captions, tf.int64)
    inputs = tf.concat([tf.fill([tf.shape(captions)[0], 1], tf.constant(BOS, tf.int64)), captions], axis=1)
    return inputs, tf.identity(inputs), tf.cast(inputs != PAD, tf.float32)
