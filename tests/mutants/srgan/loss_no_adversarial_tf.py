"""Returns the content loss only: the adversarial term (and adv_weight) is forgotten.

tracks: tf
expect-fail: losses.loss_values
message: only the content term
"""
import keras


def generator_loss(fake_logits, sr, hr, adv_weight):
    return keras.ops.mean(keras.ops.square(sr - hr))
