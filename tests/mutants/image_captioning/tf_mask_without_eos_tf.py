"""The mask leaves out <eos>: the model is never taught to stop.

tracks: tf
expect-fail: teacher_forcing.tf_values
message: cover <eos> too
"""
_reference_teacher_forcing = teacher_forcing_batch


def teacher_forcing_batch(captions):
    inputs, targets, _ = _reference_teacher_forcing(captions)
    return inputs, targets, tf.cast((targets != PAD) & (targets != EOS), tf.float32)
