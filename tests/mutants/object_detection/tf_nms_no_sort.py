"""NMS visits the boxes in their input order instead of by descending score.

tracks: tf
expect-fail: nms.nms_matches_reference
message: descending score
"""
import tensorflow as tf


def nms(boxes, scores, iou_threshold):
    order = tf.range(tf.shape(boxes)[0])
    keep = []
    while tf.size(order) > 0:
        best, rest = order[0], order[1:]
        keep.append(best)
        ious = box_iou(tf.gather(boxes, best[None]), tf.gather(boxes, rest))[0]
        order = tf.boolean_mask(rest, ious <= iou_threshold)
    kept = tf.stack(keep)
    return tf.cast(tf.gather(kept, tf.argsort(tf.gather(scores, kept), direction="DESCENDING")), tf.int64)
