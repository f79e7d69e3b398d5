"""Union computed as area_a + area_b, counting the intersection twice.

tracks: tf
expect-fail: iou.iou_special_cases
message: subtract the intersection
"""
import tensorflow as tf


def box_iou(boxes_a, boxes_b):
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    top_left = tf.maximum(boxes_a[:, None, :2], boxes_b[None, :, :2])
    bottom_right = tf.minimum(boxes_a[:, None, 2:], boxes_b[None, :, 2:])
    wh = tf.maximum(bottom_right - top_left, 0.0)
    inter = wh[..., 0] * wh[..., 1]
    return tf.math.divide_no_nan(inter, area_a[:, None] + area_b[None, :])
