"""Labels the generator's outputs 0 in its own loss (the discriminator's target), so the generator
learns to look fake.

tracks: tf
expect-fail: losses.loss_values
message: labelled 0
"""
import keras
import tensorflow as tf


def generator_loss(fake_logits, sr, hr, adv_weight):
    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    return keras.ops.mean(keras.ops.square(sr - hr)) + adv_weight * bce(tf.zeros_like(fake_logits), fake_logits)
