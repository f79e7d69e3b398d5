# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.
# Scenes come from `fixtures.shapes`: 32 x 32 grey images with 1 to 3 squares (class 0), disks (1)
# and triangles (2); boxes are `(x1, y1, x2, y2)` in continuous pixel coordinates.

# %% tags=["setup"]
import math

import keras
import matplotlib.pyplot as plt
import numpy as np
import tensorflow as tf
from keras import layers

from graders.notebook import checker

GRID, NUM_CLASSES, IMAGE_SIZE = 4, 3, 32  # a 4 x 4 grid of 8-pixel cells over 32 x 32 images

check = checker("object_detection", "tf", globals())

# %% [markdown]
# ## Part 1: intersection over union
#
# Boxes are `(x1, y1, x2, y2)` with `x1 <= x2`, `y1 <= y2`, in *continuous* coordinates: the
# width is `x2 - x1`, with no `+ 1` (that is the old pixel-inclusive VOC convention; TensorFlow's
# object detection API and COCO use continuous coordinates). Compute all pairs at once by
# broadcasting `(N, 1, 2)` against `(1, M, 2)`. Two boxes that do not overlap have a *negative*
# overlap width: clamp it to zero. A pair whose union is empty (two zero-area boxes) has IoU 0, not NaN.

# %% tags=["solution"]
def box_iou(boxes_a, boxes_b):
    """Pairwise intersection over union.

    Args:
        boxes_a: float tensor (N, 4), boxes (x1, y1, x2, y2) in pixels, x1 <= x2 and y1 <= y2.
        boxes_b: float tensor (M, 4), same format.
    Returns:
        float tensor (N, M) in [0, 1]: entry (i, j) is IoU(boxes_a[i], boxes_b[j]); 0 where the
        union is empty (both boxes have zero area).
    """
    ### BEGIN SOLUTION (about 8 lines) Hint: tf.maximum / tf.minimum of corners, then tf.maximum(..., 0.0); tf.math.divide_no_nan.
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    top_left = tf.maximum(boxes_a[:, None, :2], boxes_b[None, :, :2])
    bottom_right = tf.minimum(boxes_a[:, None, 2:], boxes_b[None, :, 2:])
    wh = tf.maximum(bottom_right - top_left, 0.0)  # no overlap -> 0, not a negative width
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    return tf.math.divide_no_nan(inter, union)  # 0 where the union is empty
    ### END SOLUTION


# %% tags=["check"]
check("iou")

# %% [markdown]
# ## Part 2: non-maximum suppression
#
# Greedy NMS: visit the boxes in order of **decreasing score**; keep the current box and drop every
# remaining box whose IoU with it is **strictly greater** than `iou_threshold` (a box with IoU equal
# to the threshold survives). Repeat with what is left. All boxes are of one class here; for
# several classes you run NMS per class. (`tf.image.non_max_suppression` does the same, but write
# it yourself: interviewers ask for it.)

# %% tags=["solution"]
def nms(boxes, scores, iou_threshold):
    """Greedy non-maximum suppression (single class).

    Args:
        boxes: float tensor (N, 4), (x1, y1, x2, y2) in pixels.
        scores: float tensor (N,), distinct scores.
        iou_threshold: float; a box is suppressed if its IoU with a kept, higher-scoring box is
            > iou_threshold.
    Returns:
        int64 tensor (K,): indices into boxes of the kept boxes, by decreasing score.
    """
    ### BEGIN SOLUTION (about 9 lines) Hint: tf.argsort(scores, direction="DESCENDING"), a while loop, tf.boolean_mask.
    order = tf.argsort(scores, direction="DESCENDING")
    keep = []
    while tf.size(order) > 0:
        best, rest = order[0], order[1:]
        keep.append(best)
        ious = box_iou(tf.gather(boxes, best[None]), tf.gather(boxes, rest))[0]
        order = tf.boolean_mask(rest, ious <= iou_threshold)
    return tf.cast(tf.stack(keep), tf.int64) if keep else tf.zeros([0], tf.int64)
    ### END SOLUTION


# %% tags=["check"]
check("nms")

# %% [markdown]
# ## Part 3: the grid target and its decoding
#
# A YOLO-v1 style detector divides the image into an `S x S` grid of cells (`cell = image_size / S`
# pixels). The cell that contains an object's **centre** is responsible for it. The target of one
# image is a tensor of `5 + C` channels per cell, **channels last** like every Keras feature map:
# `(S, S, 5 + C)`, indexed `[row, col, channel]` where `row = floor(cy / cell)` counts along
# **y** and `col = floor(cx / cell)` along **x**. The channels of the responsible cell:
#
# | channel | meaning | range |
# |---|---|---|
# | 0 | objectness: 1 | {0, 1} |
# | 1 | `cx / cell - col`: x of the centre inside the cell | [0, 1) |
# | 2 | `cy / cell - row`: y of the centre inside the cell | [0, 1) |
# | 3 | `sqrt(w / image_size)` | (0, 1] |
# | 4 | `sqrt(h / image_size)` | (0, 1] |
# | 5 .. 5+C-1 | one-hot class | {0, 1} |
#
# Every other cell is all zeros. (The square root, as in YOLO v1, makes a 2-pixel error cost more on
# a small box than on a large one.) Decoding inverts this: a cell's **score** is
# `objectness * max(class probabilities)`, its **label** the argmax class, its box
# `cx = (col + channel 1) * cell`, `w = channel 3 ** 2 * image_size`, and so on. A prediction
# map has the same layout, with probabilities instead of 0/1, so one decoder serves both.

# %% tags=["solution"]
def encode_boxes(boxes, labels, grid, num_classes, image_size):
    """Training target of a grid detector for one image.

    Args:
        boxes: float tensor (K, 4), (x1, y1, x2, y2) in pixels inside [0, image_size]; K may be 0.
        labels: int64 tensor (K,), classes in 0..num_classes-1.
        grid: int S, cells per side. num_classes: int C. image_size: int, image height = width.
    Returns:
        float32 tensor (S, S, 5 + C), channels last (see the table above); all zeros except the
        cells that hold an object's centre. If two centres fall in one cell, the later box wins.
    """
    ### BEGIN SOLUTION (about 11 lines) Hint: fill a NumPy array in a loop over the boxes, then tf.constant.
    cell = image_size / grid
    target = np.zeros((grid, grid, 5 + num_classes), np.float32)
    for (x1, y1, x2, y2), label in zip(np.asarray(boxes).tolist(), np.asarray(labels).tolist()):
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        row, col = min(int(cy // cell), grid - 1), min(int(cx // cell), grid - 1)
        target[row, col] = 0.0
        target[row, col, :5] = [1.0, cx / cell - col, cy / cell - row,
                                math.sqrt(w / image_size), math.sqrt(h / image_size)]
        target[row, col, 5 + int(label)] = 1.0
    return tf.constant(target)
    ### END SOLUTION


def decode_predictions(output, image_size, score_threshold):
    """Boxes, scores and labels from one image's grid output (a target or a prediction).

    Args:
        output: float tensor (S, S, 5 + C), channels last, layout of encode_boxes: channel 0
            objectness in [0, 1], 1-2 centre offsets in the cell, 3-4 sqrt of size / image_size,
            5.. class probabilities.
        image_size: int, image height = width in pixels.
        score_threshold: float; keep the cells whose score objectness * max class probability
            is >= score_threshold.
    Returns:
        (boxes, scores, labels): float tensor (K, 4) xyxy in pixels (not clipped), float tensor
        (K,), int64 tensor (K,), one entry per kept cell, in any order.
    """
    ### BEGIN SOLUTION (about 11 lines) Hint: tf.where(scores >= score_threshold) gives (row, col) pairs; tf.gather_nd.
    output = tf.convert_to_tensor(output)
    cell = image_size / output.shape[0]
    probs = output[..., 5:]
    labels = tf.argmax(probs, axis=-1)
    scores = output[..., 0] * tf.reduce_max(probs, axis=-1)
    idx = tf.where(scores >= score_threshold)  # (K, 2): row, col
    kept = tf.gather_nd(output, idx)
    rows, cols = tf.cast(idx[:, 0], output.dtype), tf.cast(idx[:, 1], output.dtype)
    cx, cy = (cols + kept[:, 1]) * cell, (rows + kept[:, 2]) * cell
    w, h = kept[:, 3] ** 2 * image_size, kept[:, 4] ** 2 * image_size
    boxes = tf.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)
    return boxes, tf.gather_nd(scores, idx), tf.gather_nd(labels, idx)
    ### END SOLUTION


# %% tags=["check"]
check("encode")

# %% [markdown]
# ## Part 4: a tiny grid detector
#
# A fully convolutional network whose output *is* a prediction map in the layout above: three
# conv + max-pool blocks take 32 x 32 down to 4 x 4 (one output position per cell), and 1 x 1
# convs predict `5 + C` channels per cell: a sigmoid on channels 0-4 and a softmax over the class
# channels, concatenated, so the output is `(N, S, S, 5 + C)` with objectness and offsets in [0, 1]
# and class probabilities summing to 1.
#
# The loss (YOLO v1, with modern choices for the objectness and class terms):
#
# $$L = \underbrace{\mathrm{BCE}(\hat o, o)}_{\text{every cell}}
# + \lambda_{box} \frac{1}{N_{obj}}\sum_{\text{object cells}} \lVert \hat b - b\rVert^2
# + \frac{1}{N_{obj}}\sum_{\text{object cells}} \mathrm{CE}(\hat p, c)$$
#
# Box and class terms count only in cells that hold an object: an empty cell has no box to
# regress. The objectness term counts everywhere; without it the score of every cell is noise.
#
# The grader encodes the targets itself, calls `train_detector` for 150 steps on 512 scenes
# (about 10 epochs at batch 32), runs your model on held-out scenes, decodes and NMSes the output
# with its own code and computes mAP@0.5 (it needs 0.5; the reference gets above 0.9). It also
# checks that each loss term falls on the training scenes. Keep the network tiny: it should train in
# a few seconds on a CPU. BatchNorm helps it converge in so few steps.
#
# Limits the grader enforces: `train_detector(..., steps=150)` must take exactly 150 optimizer steps
# (the grader counts them; `steps` counts minibatches, not epochs). The losses you return are checked
# for format only (one float per step); the points go to the grader's own measurements: each term of
# its loss on the training scenes, objectness on held-out scenes and mAP@0.5. The detections must
# come from the trained weights: the grader shuffles the values inside every weight tensor (through
# the model's weights) and measures mAP@0.5 again, which must fall to 0.2 or less (the reference
# falls to about 0). Post-processing, NMS included, is the grader's: the model's output is all it reads.
# Keras' BatchNormalization defaults to momentum 0.99, too slow for a few hundred steps: its
# running statistics would still be near their initial values at evaluation. Use 0.9. If you train
# with `model.compile(loss=...)` and `model.fit` instead of a GradientTape loop, remember that Keras
# calls `loss(y_true, y_pred)`: the reverse of `detection_loss(pred, target)`.

# %% tags=["solution"]
def build_detector(grid, num_classes, seed, width=16):
    """A fully convolutional grid detector for 32 x 32 grey images.

    Args:
        grid: int S (4 here: the network downsamples 32 x 32 by 8 to S x S).
        num_classes: int C.
        seed: int; seeds the weight initialisation (keras.utils.set_random_seed).
    Returns:
        keras.Model mapping float32 images (N, 32, 32, 1) in [0, 1] to predictions
        (N, S, S, 5 + C) in the target layout: channels 0-4 through a sigmoid, 5.. a softmax.
    """
    ### BEGIN SOLUTION (about 12 lines) Hint: Conv2D / BatchNormalization(momentum=0.9) / ReLU / MaxPooling2D three times, two 1 x 1 heads, Concatenate.
    keras.utils.set_random_seed(seed)
    inputs = keras.Input((IMAGE_SIZE, IMAGE_SIZE, 1))
    x = inputs
    for filters in (width // 2, width, 2 * width):
        x = layers.Conv2D(filters, 3, padding="same", use_bias=False)(x)
        x = layers.BatchNormalization(momentum=0.9)(x)
        x = layers.ReLU()(x)
        x = layers.MaxPooling2D()(x)
    x = layers.Conv2D(2 * width, 3, padding="same", activation="relu")(x)
    box = layers.Conv2D(5, 1, activation="sigmoid")(x)               # objectness, offsets, sqrt sizes
    classes = layers.Conv2D(num_classes, 1, activation="softmax")(x)  # class probabilities
    return keras.Model(inputs, layers.Concatenate()([box, classes]))
    ### END SOLUTION


def detection_loss(pred, target, box_weight=5.0):
    """YOLO-style loss; pred and target (N, S, S, 5 + C) in the target layout. Returns a scalar."""
    ### BEGIN SOLUTION (about 8 lines) Hint: obj = target[..., 0] masks the box and class terms.
    eps = 1e-6
    obj = target[..., 0]
    p_obj = tf.clip_by_value(pred[..., 0], eps, 1 - eps)
    objectness = -tf.reduce_mean(obj * tf.math.log(p_obj) + (1 - obj) * tf.math.log(1 - p_obj))
    n_obj = tf.maximum(tf.reduce_sum(obj), 1.0)
    box = tf.reduce_sum(tf.reduce_sum(tf.square(pred[..., 1:5] - target[..., 1:5]), -1) * obj) / n_obj
    cls = tf.reduce_sum(-tf.reduce_sum(target[..., 5:] * tf.math.log(tf.maximum(pred[..., 5:], eps)), -1) * obj) / n_obj
    return objectness + box_weight * box + cls
    ### END SOLUTION


def train_detector(model, images, targets, steps, seed, batch_size=32, lr=3e-3):
    """Train in place with Adam on random mini-batches (tf.GradientTape).

    Args:
        model: from build_detector. images: float32 tensor (N, 32, 32, 1) in [0, 1].
        targets: float32 tensor (N, S, S, 5 + C), encode_boxes of each image.
        steps: int, optimizer steps. seed: int, seeds the mini-batch sampling.
    Returns:
        list of `steps` floats, the loss of each step.
    """
    ### BEGIN SOLUTION (about 15 lines) Hint: a @tf.function train step with tf.GradientTape; np.random.default_rng(seed) for batches.
    rng = np.random.default_rng(seed)
    optimizer = keras.optimizers.Adam(lr)
    optimizer.build(model.trainable_variables)

    @tf.function(autograph=False)  # compiled once; no tensor-dependent Python control flow inside
    def train_step(x, y):
        with tf.GradientTape() as tape:
            loss = detection_loss(model(x, training=True), y)
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        return loss

    losses = []
    for _ in range(steps):
        idx = rng.integers(0, images.shape[0], batch_size)
        losses.append(float(train_step(tf.gather(images, idx), tf.gather(targets, idx))))
    return losses
    ### END SOLUTION


# %% tags=["check"]
check("detector")

# %% [markdown]
# Train on 512 scenes, then detect on held-out scenes: decode, NMS per class, draw. Green boxes are
# the ground truth, red ones the detections with a score of at least 0.2. After so few steps the
# objectness is under-confident (most cells are empty, so the BCE pulls every score down), which is
# why mAP, which only ranks the scores, is a better measure than a fixed threshold. Objects whose
# centre lies near a cell border are the hardest: one pixel decides which cell is responsible.

# %% tags=["demo"]
import cv2

from fixtures import shapes
from graders.plots import image_grid, loss_curve

train = shapes.scenes(512, seed=1)
test = shapes.scenes(16, seed=2)
y_train = tf.stack([encode_boxes(b, l, GRID, NUM_CLASSES, IMAGE_SIZE) for b, l in zip(train.boxes, train.labels)])
model = build_detector(GRID, NUM_CLASSES, seed=0)
losses = train_detector(model, tf.constant(train.images), y_train, steps=200, seed=0)
loss_curve({"train": losses}, smooth=10)
plt.show()


def detect(output, score_threshold=0.2, iou_threshold=0.5):
    """Decode one map, then NMS per class; numpy boxes, scores, labels."""
    boxes, scores, labels = decode_predictions(output, IMAGE_SIZE, score_threshold)
    keep = [tf.gather(tf.where(labels == c)[:, 0], nms(tf.boolean_mask(boxes, labels == c),
                                                       tf.boolean_mask(scores, labels == c), iou_threshold))
            for c in np.unique(labels.numpy())]
    keep = tf.concat(keep, 0) if keep else tf.zeros([0], tf.int64)
    return tf.gather(boxes, keep).numpy(), tf.gather(scores, keep).numpy(), tf.gather(labels, keep).numpy()


def draw(image, gt_boxes, boxes, labels, scale=4):
    """An RGB panel, upscaled: ground truth in green, detections in red with the class initial."""
    grey = cv2.resize((image[..., 0] * 255).astype(np.uint8), None, fx=scale, fy=scale, interpolation=cv2.INTER_NEAREST)
    panel = cv2.cvtColor(grey, cv2.COLOR_GRAY2RGB)
    for box, color in [(b, (0, 255, 0)) for b in gt_boxes] + [(b, (255, 0, 0)) for b in boxes]:
        x1, y1, x2, y2 = np.round(np.asarray(box) * scale).astype(int)
        cv2.rectangle(panel, (x1, y1), (x2 - 1, y2 - 1), color, 1)
    for box, label in zip(boxes, labels):
        origin = (int(max(box[0] * scale + 2, 0)), int(max(box[1] * scale + 11, 11)))
        cv2.putText(panel, shapes.CLASSES[int(label)][0], origin, cv2.FONT_HERSHEY_PLAIN, 0.8, (255, 0, 0))
    return panel.astype(np.float32) / 255


pred = model(tf.constant(test.images), training=False)
panels = []
for image, out, gt_boxes in zip(test.images, pred, test.boxes):
    boxes, scores, labels = detect(out)
    panels.append(draw(image, gt_boxes, boxes, labels))
_, ax = plt.subplots(figsize=(12, 3.4))
image_grid(np.stack(panels), ncols=8, title="green: ground truth, red: detections (s/d/t = class)", ax=ax)
plt.show()
