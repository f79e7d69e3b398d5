"""The loss has box and class terms only: the objectness channel is never trained, so every cell's
score is noise.

tracks: tf
expect-fail: detector.detector_trains
message: objectness term
"""
import tensorflow as tf


def detection_loss(pred, target, box_weight=5.0):
    eps = 1e-6
    obj = target[..., 0]
    n_obj = tf.maximum(tf.reduce_sum(obj), 1.0)
    box = tf.reduce_sum(tf.reduce_sum(tf.square(pred[..., 1:5] - target[..., 1:5]), -1) * obj) / n_obj
    cls = tf.reduce_sum(-tf.reduce_sum(target[..., 5:] * tf.math.log(tf.maximum(pred[..., 5:], eps)), -1) * obj) / n_obj
    return box_weight * box + cls
