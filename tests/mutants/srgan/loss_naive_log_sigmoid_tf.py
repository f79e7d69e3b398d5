"""Computes the adversarial term as -log(sigmoid(logits)): exact for moderate logits, -inf for a logit
of -200.

tracks: tf
expect-fail: losses.loss_large_logits
message: from logits
"""
import keras
import tensorflow as tf


def generator_loss(fake_logits, sr, hr, adv_weight):
    return keras.ops.mean(keras.ops.square(sr - hr)) - adv_weight * tf.reduce_mean(tf.math.log(tf.sigmoid(fake_logits)))
