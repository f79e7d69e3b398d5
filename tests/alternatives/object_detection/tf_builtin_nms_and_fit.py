"""Another correct solution: IoU from unstacked coordinates, tf.image.non_max_suppression (which
also suppresses only when IoU > threshold; IoU does not care that it reads boxes as y1, x1, y2, x2),
an encoder built with tf.tensor_scatter_nd_update, and a detector trained with model.compile /
model.fit on a custom loss, with a head that is one Conv2D followed by a custom activation layer.

tracks: tf
"""
import keras
import numpy as np
import tensorflow as tf
from keras import layers


def box_iou(boxes_a, boxes_b):
    ax1, ay1, ax2, ay2 = tf.unstack(boxes_a[:, None, :], axis=-1)
    bx1, by1, bx2, by2 = tf.unstack(boxes_b[None, :, :], axis=-1)
    inter = tf.nn.relu(tf.minimum(ax2, bx2) - tf.maximum(ax1, bx1)) * tf.nn.relu(tf.minimum(ay2, by2) - tf.maximum(ay1, by1))
    union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter
    return tf.where(union > 0, inter / tf.where(union > 0, union, tf.ones_like(union)), tf.zeros_like(union))


def nms(boxes, scores, iou_threshold):
    boxes = tf.cast(boxes, tf.float32)
    keep = tf.image.non_max_suppression(boxes, tf.cast(scores, tf.float32), max_output_size=tf.shape(boxes)[0],
                                        iou_threshold=iou_threshold)
    return tf.cast(keep, tf.int64)


def encode_boxes(boxes, labels, grid, num_classes, image_size):
    boxes = tf.cast(tf.reshape(boxes, (-1, 4)), tf.float32)
    cell = image_size / grid
    cx, cy = (boxes[:, 0] + boxes[:, 2]) / 2, (boxes[:, 1] + boxes[:, 3]) / 2
    w, h = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    col = tf.minimum(tf.cast(tf.floor(cx / cell), tf.int32), grid - 1)
    row = tf.minimum(tf.cast(tf.floor(cy / cell), tf.int32), grid - 1)
    values = tf.concat([tf.ones_like(cx)[:, None],
                        tf.stack([cx / cell - tf.cast(col, tf.float32), cy / cell - tf.cast(row, tf.float32),
                                  tf.sqrt(w / image_size), tf.sqrt(h / image_size)], axis=1),
                        tf.one_hot(tf.cast(labels, tf.int32), num_classes)], axis=1)
    return tf.tensor_scatter_nd_update(tf.zeros((grid, grid, 5 + num_classes)), tf.stack([row, col], axis=1), values)


class GridActivation(layers.Layer):
    def call(self, raw):
        return tf.concat([tf.sigmoid(raw[..., :5]), tf.nn.softmax(raw[..., 5:], axis=-1)], axis=-1)


def build_detector(grid, num_classes, seed):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([
        keras.Input((32, 32, 1)),
        layers.Conv2D(8, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(16, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"), layers.MaxPooling2D(),
        layers.Conv2D(32, 3, padding="same", activation="relu"),
        layers.Conv2D(5 + num_classes, 1),
        GridActivation(),
    ])
    return model


class _Losses(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.values = []

    def on_train_batch_end(self, batch, logs=None):
        self.values.append(float(logs["loss"]))  # Keras reports the running mean over the epoch


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    data = (tf.data.Dataset.from_tensor_slices((images, targets))
            .shuffle(2048, seed=seed).repeat().batch(batch_size))
    # Keras calls loss(y_true, y_pred): the reverse of detection_loss(pred, target).
    model.compile(optimizer=keras.optimizers.Adam(lr), loss=lambda y_true, y_pred: detection_loss(y_pred, y_true))
    record = _Losses()
    model.fit(data, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[record])
    return record.values
