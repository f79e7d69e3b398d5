"""The loss has objectness and class terms only: the boxes are never regressed.

tracks: tf
expect-fail: detector.detector_trains
message: box term
"""
import tensorflow as tf


def detection_loss(pred, target, box_weight=5.0):
    eps = 1e-6
    obj = target[..., 0]
    p_obj = tf.clip_by_value(pred[..., 0], eps, 1 - eps)
    objectness = -tf.reduce_mean(obj * tf.math.log(p_obj) + (1 - obj) * tf.math.log(1 - p_obj))
    n_obj = tf.maximum(tf.reduce_sum(obj), 1.0)
    cls = tf.reduce_sum(-tf.reduce_sum(target[..., 5:] * tf.math.log(tf.maximum(pred[..., 5:], eps)), -1) * obj) / n_obj
    return objectness + cls
