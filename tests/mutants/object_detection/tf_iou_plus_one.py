"""IoU with the pixel-inclusive '+1' convention (width = x2 - x1 + 1) on continuous boxes.

tracks: tf
expect-fail: iou.iou_special_cases
message: pixel-inclusive
"""
import tensorflow as tf


def box_iou(boxes_a, boxes_b):
    area_a = (boxes_a[:, 2] - boxes_a[:, 0] + 1) * (boxes_a[:, 3] - boxes_a[:, 1] + 1)
    area_b = (boxes_b[:, 2] - boxes_b[:, 0] + 1) * (boxes_b[:, 3] - boxes_b[:, 1] + 1)
    top_left = tf.maximum(boxes_a[:, None, :2], boxes_b[None, :, :2])
    bottom_right = tf.minimum(boxes_a[:, None, 2:], boxes_b[None, :, 2:])
    wh = tf.maximum(bottom_right - top_left + 1, 0.0)
    inter = wh[..., 0] * wh[..., 1]
    return inter / (area_a[:, None] + area_b[None, :] - inter)
