"""NMS suppresses when IoU >= threshold, dropping a box whose IoU equals the threshold.

tracks: tf
expect-fail: nms.nms_threshold_is_strict
message: strictly
"""
import tensorflow as tf


def nms(boxes, scores, iou_threshold):
    order = tf.argsort(scores, direction="DESCENDING")
    keep = []
    while tf.size(order) > 0:
        best, rest = order[0], order[1:]
        keep.append(best)
        ious = box_iou(tf.gather(boxes, best[None]), tf.gather(boxes, rest))[0]
        order = tf.boolean_mask(rest, ious < iou_threshold)
    return tf.cast(tf.stack(keep), tf.int64)
