"""Decodes the size as channel 3 * image_size, forgetting to undo the square root.

tracks: tf
expect-fail: encode.decode_round_trip
message: channel 3 ** 2
"""
import tensorflow as tf


def decode_predictions(output, image_size, score_threshold):
    output = tf.convert_to_tensor(output)
    cell = image_size / output.shape[0]
    probs = output[..., 5:]
    labels = tf.argmax(probs, axis=-1)
    scores = output[..., 0] * tf.reduce_max(probs, axis=-1)
    idx = tf.where(scores >= score_threshold)
    kept = tf.gather_nd(output, idx)
    rows, cols = tf.cast(idx[:, 0], output.dtype), tf.cast(idx[:, 1], output.dtype)
    cx, cy = (cols + kept[:, 1]) * cell, (rows + kept[:, 2]) * cell
    w, h = kept[:, 3] * image_size, kept[:, 4] * image_size
    boxes = tf.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return boxes, tf.gather_nd(scores, idx), tf.gather_nd(labels, idx)
