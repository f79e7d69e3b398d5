"""Encodes each object at [col, row] instead of [row, col]: x and y swapped.

tracks: tf
expect-fail: encode.encode_hand_made
message: x/y swapped
"""
import math

import numpy as np
import tensorflow as tf


def encode_boxes(boxes, labels, grid, num_classes, image_size):
    cell = image_size / grid
    target = np.zeros((grid, grid, 5 + num_classes), np.float32)
    for (x1, y1, x2, y2), label in zip(np.asarray(boxes).tolist(), np.asarray(labels).tolist()):
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        x_cell, y_cell = int(cx // cell), int(cy // cell)
        target[x_cell, y_cell, :5] = [1.0, cx / cell - x_cell, cy / cell - y_cell,
                                      math.sqrt(w / image_size), math.sqrt(h / image_size)]
        target[x_cell, y_cell, 5 + int(label)] = 1.0
    return tf.constant(target)
