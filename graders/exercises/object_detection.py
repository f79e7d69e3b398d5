"""Grader for object_detection (seeds 000 #13, 001 #4): IoU, NMS, grid encoding, a tiny detector.

Layout of a grid tensor (target or prediction) of one image, per cell ``(row, col)`` with
``row = floor(cy / cell)``, ``col = floor(cx / cell)``, ``cell = image_size / S``:
channel 0 objectness, 1-2 centre offset inside the cell (x, y) in cell units, 3-4
``sqrt(w / image_size)``, ``sqrt(h / image_size)``, 5.. class one-hot / probabilities. PyTorch
tensors are channels first, ``(5 + C, S, S)`` and ``(N, 5 + C, S, S)``; Keras channels last,
``(S, S, 5 + C)`` and ``(N, S, S, 5 + C)``. The grader works channels last and converts.

The detector part is graded on outcomes: the grader encodes the training targets itself, trains
the student's model through ``train_detector``, runs it on held-out scenes through ``predict``,
decodes with its own decoder (below), applies its own per-class NMS and computes mAP@0.5 with
``graders.metrics.mean_average_precision``. Nothing the submission reports about itself is used: the
returned losses are format only, the optimizer steps of ``train_detector`` are counted (exactly STEPS),
and the trained weights are shuffled through ``set_weights`` (the mAP must collapse, so detections
that do not come from the model's forward pass fail).
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.stats import rankdata

from fixtures import shapes

from .. import expect, integrity
from ..core import CheckFailed, Context, Exercise
from ..layout import to_layout
from ..metrics import box_iou, mean_average_precision
from ..wire import Handle

EXERCISE = Exercise("object_detection")

GRID, NUM_CLASSES, IMAGE_SIZE = 4, 3, 32
CELL = IMAGE_SIZE / GRID
N_TRAIN, N_TEST, STEPS = 512, 128, 150
# Thresholds, from measurements over 5 grading salts (held-out and hidden scenes):
# * mAP@0.5: references 0.965-0.998 (torch) and 0.912-0.954 (tf); weaker but valid designs (no
#   BatchNorm; strided convs without BatchNorm) 0.52-0.84; untrained 0.00; trained without the class
#   term <= 0.18, without the box term 0.00.
# * each grader loss term after / before training: references <= 0.14, weaker valid designs <= 0.46;
#   the term left out of the student's loss (objectness, box or class) >= 0.73 (mostly > 1).
# * objectness ROC AUC: references >= 0.98, weaker valid designs >= 0.95; objectness term left out
#   <= 0.77, untrained 0.5-0.6. Mean objectness gap (object - empty cells): references >= 0.61,
#   weaker designs >= 0.49, objectness term left out <= 0.08.
MAP_MIN = 0.5
OBJECTNESS_AUC_MIN = 0.85  # objectness ranks object cells above empty ones (reference 0.99)
OBJECTNESS_GAP_MIN = 0.3   # mean objectness on object cells minus on empty cells (reference 0.75)
LOSS_FACTOR = 0.6  # each term of the grader's loss must fall below this fraction of its start
# Model dependence (graders.integrity): with the values inside every trained weight tensor shuffled, the
# references' held-out mAP@0.5 falls to SHUFFLED_MEASURED; a classical detector switched on after training
# (connected components, tests/mutants/object_detection/*_components_after_training.py) keeps its mAP.
MAX_SHUFFLED_MAP = 0.2
LOSS_TERM_HINTS = {
    "objectness": "is the objectness term (BCE on channel 0, over every cell) in your loss?",
    "box": "is the box term (squared error of channels 1-4, in object cells only) in your loss?",
    "class": "is the class term (cross-entropy of channels 5.., in object cells only) in your loss?",
}


# ---------------------------------------------------------------------------------------------
# Reference maths, in numpy (grader side)
# ---------------------------------------------------------------------------------------------
def encode_reference(boxes: np.ndarray, labels: np.ndarray, grid: int = GRID, num_classes: int = NUM_CLASSES,
                     image_size: int = IMAGE_SIZE) -> np.ndarray:
    """(K, 4) boxes, (K,) labels -> (S, S, 5 + C) float64 target, channels last."""
    target = np.zeros((grid, grid, 5 + num_classes))
    cell = image_size / grid
    for (x1, y1, x2, y2), label in zip(np.asarray(boxes, np.float64).reshape(-1, 4), np.asarray(labels).reshape(-1)):
        cx, cy, w, h = (x1 + x2) / 2, (y1 + y2) / 2, x2 - x1, y2 - y1
        row, col = min(int(cy // cell), grid - 1), min(int(cx // cell), grid - 1)
        target[row, col] = 0
        target[row, col, :5] = [1.0, cx / cell - col, cy / cell - row, np.sqrt(w / image_size), np.sqrt(h / image_size)]
        target[row, col, 5 + int(label)] = 1.0
    return target


def decode_reference(output: np.ndarray, image_size: int, score_threshold: float):
    """(S, S, 5 + C) channels last -> boxes (K, 4), scores (K,), labels (K,), in row-major cell order."""
    output = np.asarray(output, np.float64)
    grid = output.shape[0]
    cell = image_size / grid
    probs = output[..., 5:]
    labels = probs.argmax(-1)
    scores = output[..., 0] * probs.max(-1)
    rows, cols = np.nonzero(scores >= score_threshold)
    o = output[rows, cols]
    cx, cy = (cols + o[:, 1]) * cell, (rows + o[:, 2]) * cell
    w, h = o[:, 3] ** 2 * image_size, o[:, 4] ** 2 * image_size
    boxes = np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1).reshape(-1, 4)
    return boxes, scores[rows, cols], labels[rows, cols].astype(np.int64)


def nms_reference(boxes: np.ndarray, scores: np.ndarray, iou_threshold: float, sort: bool = True,
                  strict: bool = True) -> np.ndarray:
    """Greedy NMS; ``sort=False`` / ``strict=False`` reproduce two classic mistakes (for hints)."""
    order = np.argsort(-np.asarray(scores, np.float64), kind="stable") if sort else np.arange(len(scores))
    iou = box_iou(boxes, boxes)
    suppressed = np.zeros(len(order), bool)
    keep = []
    for i in order:
        if suppressed[i]:
            continue
        keep.append(int(i))
        suppressed |= (iou[i] > iou_threshold) if strict else (iou[i] >= iou_threshold)
    return np.array(keep, np.int64)


def _iou_variant(a: np.ndarray, b: np.ndarray, kind: str) -> np.ndarray:
    """Typical wrong IoUs: '+1' pixel-inclusive widths, 'union' without subtracting the
    intersection, 'clamp' without clamping negative overlaps."""
    a, b = np.asarray(a, np.float64), np.asarray(b, np.float64)
    one = 1.0 if kind == "+1" else 0.0
    area_a = (a[:, 2] - a[:, 0] + one) * (a[:, 3] - a[:, 1] + one)
    area_b = (b[:, 2] - b[:, 0] + one) * (b[:, 3] - b[:, 1] + one)
    wh = np.minimum(a[:, None, 2:], b[None, :, 2:]) - np.maximum(a[:, None, :2], b[None, :, :2]) + one
    if kind != "clamp":
        wh = np.clip(wh, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - (0 if kind == "union" else inter)
    with np.errstate(all="ignore"):
        return np.where(union != 0, inter / np.where(union != 0, union, 1), 0.0)


def loss_terms_reference(pred: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """The grader's own YOLO-style loss terms on channels-last maps (N, S, S, 5 + C): objectness BCE
    over every cell, box squared error and class cross-entropy over object cells."""
    eps = 1e-6
    pred, target = np.asarray(pred, np.float64), np.asarray(target, np.float64)
    obj = target[..., 0]
    p = np.clip(pred[..., 0], eps, 1 - eps)
    n = max(obj.sum(), 1.0)
    return {
        "objectness": float(-np.mean(obj * np.log(p) + (1 - obj) * np.log(1 - p))),
        "box": float(np.sum(np.sum((pred[..., 1:5] - target[..., 1:5]) ** 2, -1) * obj) / n),
        "class": float(np.sum(-np.sum(target[..., 5:] * np.log(np.clip(pred[..., 5:], eps, None)), -1) * obj) / n),
    }


# ---------------------------------------------------------------------------------------------
# Layout helpers: one image's grid tensor is (S, S, 5 + C) on the grader side
# ---------------------------------------------------------------------------------------------
def grid_to_track(t: np.ndarray, layout: str) -> np.ndarray:
    """(S, S, D) or (N, S, S, D) channels last -> the track's layout."""
    t = np.asarray(t, np.float32)
    if t.ndim == 3:
        return to_layout(t[None], layout)[0]
    return to_layout(t, layout)


def grid_shape(layout: str, n: int | None = None, grid: int = GRID, num_classes: int = NUM_CLASSES) -> tuple:
    one = (5 + num_classes, grid, grid) if layout == "NCHW" else (grid, grid, 5 + num_classes)
    return one if n is None else (n,) + one


def grid_from_track(value, layout: str, what: str, n: int | None = None) -> np.ndarray:
    expected = grid_shape(layout, n)
    arr = expect.array(value, what)
    if arr.shape != expected:
        swapped = grid_shape("NHWC" if layout == "NCHW" else "NCHW", n)
        hint = ""
        if arr.shape == swapped:
            hint = (": channels last? PyTorch grid tensors are channels first, (5 + C, S, S)" if layout == "NCHW"
                    else ": channels first? Keras grid tensors are channels last, (S, S, 5 + C)")
        raise CheckFailed(f"{what}: expected shape {expected}, got {arr.shape}{hint}")
    expect.dtype(arr, "f", what, "a float dtype")
    if layout == "NCHW":
        arr = np.moveaxis(arr, -3, -1)
    return np.asarray(arr, np.float64)


# ---------------------------------------------------------------------------------------------
# Part 1: IoU
# ---------------------------------------------------------------------------------------------
SPECIAL_PAIRS = [  # (name, box a, box b)
    ("identical boxes", [2, 3, 10, 12], [2, 3, 10, 12]),
    ("nested boxes", [0, 0, 10, 10], [2, 2, 6, 6]),
    ("partly overlapping boxes", [0, 0, 10, 10], [5, 4, 15, 16]),
    ("boxes touching along an edge", [0, 0, 10, 10], [10, 0, 20, 10]),
    ("disjoint boxes (apart in x and y)", [0, 0, 4, 4], [6, 7, 10, 10]),
    ("disjoint boxes (apart in x only)", [0, 0, 4, 4], [6, 1, 10, 3]),
    ("a zero-width box inside another", [3, 3, 3, 8], [0, 0, 10, 10]),
    ("two identical zero-area boxes", [5, 5, 5, 5], [5, 5, 5, 5]),
]

IOU_HINTS = {
    "+1": "looks like the pixel-inclusive '+1' convention: boxes here are continuous, width = x2 - x1",
    "union": "looks like union = area_a + area_b: subtract the intersection (it is counted twice)",
    "clamp": "looks like negative overlaps were not clamped: clamp the overlap width and height to 0 "
             "separately (two negative sides multiply to a positive 'intersection')",
}


def _compare_iou(sub, a: np.ndarray, b: np.ndarray, what: str, names: list[str] | None = None) -> np.ndarray:
    got = expect.shape(sub.call("box_iou", a, b), (len(a), len(b)), what)
    expect.dtype(got, "f", what, "a float dtype")
    expected = box_iou(a, b)
    g = got.astype(np.float64)
    if not np.isfinite(g).all():
        bad = np.argwhere(~np.isfinite(g))[0]
        pair = f" (pair {tuple(int(i) for i in bad)}{': ' + names[bad[0]] if names and bad[0] == bad[1] else ''})"
        raise CheckFailed(f"{what} has NaN or inf values{pair}; two zero-area boxes have an empty union: "
                          "return IoU 0 there instead of dividing 0 by 0")
    if np.allclose(g, expected, rtol=1e-5, atol=1e-6):
        return got
    for kind, hint in IOU_HINTS.items():  # name the mistake when the values match a classic one
        if np.allclose(g, _iou_variant(a, b, kind), rtol=1e-5, atol=1e-6):
            raise CheckFailed(f"{what} differs from the expected IoU; {hint}")
    if g.min() < -1e-6:
        raise CheckFailed(f"{what} has negative values (down to {g.min():.3g}): clamp the overlap width and height "
                          "to 0 for boxes that do not overlap")
    if g.max() > 1 + 1e-6:
        raise CheckFailed(f"{what} has values above 1 (up to {g.max():.3g}): the intersection cannot exceed the union")
    err = np.abs(g - expected)
    i, j = np.unravel_index(int(np.argmax(err)), err.shape)
    where = f" ({names[i]})" if names and i == j else ""
    raise CheckFailed(f"{what}: {int((err > 1e-6 + 1e-5 * np.abs(expected)).sum())} of {err.size} values are wrong; "
                      f"largest error at pair ({i}, {j}){where}: got {g[i, j]:.6g}, expected {expected[i, j]:.6g}")


@EXERCISE.check("iou", points=1)
def iou_shape_and_dtype(sub, ctx: Context):
    """pairwise IoU: a float array of shape (N, M)"""
    rng = np.random.default_rng(0)
    a, b = _random_boxes(rng, 3) + [0, 0, 1, 1], _random_boxes(rng, 5) + [0, 0, 1, 1]
    got = expect.shape(sub.call("box_iou", a, b), (3, 5), "box_iou(boxes_a (3, 4), boxes_b (5, 4))")
    expect.dtype(got, "f", "box_iou", "a float dtype")


@EXERCISE.check("iou", points=2)
def iou_special_cases(sub, ctx: Context):
    """identical, nested, touching, disjoint and zero-area boxes"""
    a = np.array([p[1] for p in SPECIAL_PAIRS], np.float32)
    b = np.array([p[2] for p in SPECIAL_PAIRS], np.float32)
    _compare_iou(sub, a, b, "box_iou on hand-made pairs", [p[0] for p in SPECIAL_PAIRS])
    rng = np.random.default_rng(1)
    a, b = _random_boxes(rng, 12), _random_boxes(rng, 9)
    _compare_iou(sub, a, b, "box_iou on random boxes")


@EXERCISE.check("iou", points=1, hidden=True)
def iou_hidden(sub, ctx: Context):
    """IoU on other boxes (float64), with duplicates and degenerate boxes"""
    rng = np.random.default_rng(ctx.seed("iou"))
    a = _random_boxes(rng, 31).astype(np.float64) + rng.uniform(0, 1, (31, 4)).round(3)
    a[:, 2:] = np.maximum(a[:, 2:], a[:, :2])
    b = np.concatenate([_random_boxes(rng, 17), a[:4], a[5:6, [0, 1, 0, 3]]]).astype(np.float64)
    _compare_iou(sub, a, b, "box_iou")


def _random_boxes(rng: np.random.Generator, n: int, size: float = 40) -> np.ndarray:
    xy = rng.integers(0, int(size * 0.8), (n, 2))
    wh = rng.integers(0, int(size * 0.5), (n, 2))  # some zero widths or heights
    return np.concatenate([xy, xy + wh], axis=1).astype(np.float32)


# ---------------------------------------------------------------------------------------------
# Part 2: NMS
# ---------------------------------------------------------------------------------------------
def _cluster_boxes(rng: np.random.Generator, n_clusters: int, per_cluster: int, thresholds) -> tuple:
    """Jittered boxes around a few centres, in random order, with distinct scores; no IoU lies
    within 1e-3 of a threshold, so float32 and float64 arithmetic agree on every decision."""
    while True:
        centres = rng.uniform(10, 54, (n_clusters, 2))
        sizes = rng.uniform(8, 20, (n_clusters, 2))
        c = np.repeat(centres, per_cluster, 0) + rng.normal(0, 2.5, (n_clusters * per_cluster, 2))
        s = np.repeat(sizes, per_cluster, 0) * rng.uniform(0.75, 1.25, (n_clusters * per_cluster, 2))
        boxes = np.concatenate([c - s / 2, c + s / 2], 1).astype(np.float32)
        order = rng.permutation(len(boxes))
        boxes = boxes[order]
        scores = (rng.permutation(len(boxes)) + rng.uniform(0.1, 0.9, len(boxes))) / len(boxes)
        iou = box_iou(boxes, boxes)
        if all(np.abs(iou - t).min() > 1e-3 for t in thresholds):
            return boxes, scores.astype(np.float32)


def _nms_indices(sub, boxes: np.ndarray, scores: np.ndarray, threshold: float, what: str) -> np.ndarray:
    got = expect.array(sub.call("nms", boxes, scores, threshold), what)
    if got.ndim != 1:
        raise CheckFailed(f"{what}: expected a 1-D array of indices, got shape {got.shape}")
    expect.dtype(got, "iu", what, "an integer dtype (indices into boxes)")
    got = got.astype(np.int64)
    if got.size and (got.min() < 0 or got.max() >= len(boxes)):
        raise CheckFailed(f"{what}: indices must lie in 0..{len(boxes) - 1}, got {got.min()}..{got.max()}")
    if len(set(got.tolist())) != len(got):
        raise CheckFailed(f"{what}: an index appears twice")
    return got


def _compare_nms(sub, boxes: np.ndarray, scores: np.ndarray, threshold: float, what: str) -> None:
    got = _nms_indices(sub, boxes, scores, threshold, what)
    expected = nms_reference(boxes, scores, threshold)
    if np.array_equal(got, expected):
        return
    kept = f"{what} keeps boxes {sorted(got.tolist())}, expected {sorted(expected.tolist())}"
    if sorted(got.tolist()) == sorted(expected.tolist()):
        raise CheckFailed(f"{what} keeps the right boxes but in the wrong order: return them by decreasing score")
    if sorted(got.tolist()) == sorted(nms_reference(boxes, scores, threshold, sort=False).tolist()):
        raise CheckFailed(f"{kept}: it seems to visit the boxes in their input order; visit them by descending "
                          "score (argsort the scores first)")
    if sorted(got.tolist()) == sorted(nms_reference(boxes, scores, threshold, strict=False).tolist()):
        raise CheckFailed(f"{kept}: suppress only when IoU > iou_threshold (strictly); a box whose IoU equals the "
                          "threshold is kept")
    raise CheckFailed(f"{kept}; keep the highest-scoring box, drop the boxes with IoU > iou_threshold with it, repeat")


@EXERCISE.check("nms", points=1)
def nms_returns_indices(sub, ctx: Context):
    """returns a 1-D integer array of distinct indices"""
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]], np.float32)
    scores = np.array([0.6, 0.9, 0.3], np.float32)
    _nms_indices(sub, boxes, scores, 0.5, "nms(3 boxes, two overlapping)")


@EXERCISE.check("nms", points=2)
def nms_matches_reference(sub, ctx: Context):
    """greedy NMS on clusters of boxes, in random order"""
    rng = np.random.default_rng(2)
    boxes, scores = _cluster_boxes(rng, 4, 5, (0.5, 0.3))
    _compare_nms(sub, boxes, scores, 0.5, "nms(20 boxes, iou_threshold=0.5)")
    _compare_nms(sub, boxes, scores, 0.3, "nms(20 boxes, iou_threshold=0.3)")


@EXERCISE.check("nms", points=1)
def nms_threshold_is_strict(sub, ctx: Context):
    """a box whose IoU equals the threshold is kept"""
    # IoU([0,0,3,1], [1,0,4,1]) = 2 / 4 = 0.5 exactly, in float32 as in float64.
    boxes = np.array([[1, 0, 4, 1], [0, 0, 3, 1], [1, 0, 4, 1], [10, 10, 12, 12]], np.float32)
    scores = np.array([0.8, 0.9, 0.7, 0.1], np.float32)
    _compare_nms(sub, boxes, scores, 0.5, "nms(boxes with IoU exactly 0.5, iou_threshold=0.5)")


@EXERCISE.check("nms", points=1, hidden=True)
def nms_hidden(sub, ctx: Context):
    """NMS on other boxes and thresholds"""
    rng = np.random.default_rng(ctx.seed("nms"))
    for threshold, clusters in ((0.45, 5), (0.7, 3)):
        boxes, scores = _cluster_boxes(rng, clusters, 4, (threshold,))
        _compare_nms(sub, boxes, scores, threshold, "nms")
    _compare_nms(sub, np.array([[1, 2, 5, 6]], np.float32), np.array([0.5], np.float32), 0.5, "nms")


# ---------------------------------------------------------------------------------------------
# Part 3: encoding and decoding
# ---------------------------------------------------------------------------------------------
HAND_BOXES = np.array([[17, 2, 29, 10],    # centre (23, 6): row 0, col 2, offsets (0.875, 0.75)
                       [1, 18, 9, 30]],    # centre (5, 24): row 3 (on a cell border), col 0
                      np.float32)
HAND_LABELS = np.array([2, 0], np.int64)


def _encode(sub, boxes, labels, what: str) -> np.ndarray:
    out = sub.call("encode_boxes", boxes, labels, GRID, NUM_CLASSES, IMAGE_SIZE)
    return grid_from_track(out, sub.layout, what)


def _diagnose_encode(got: np.ndarray, expected: np.ndarray, what: str) -> None:
    if np.allclose(got, expected, atol=1e-5):
        return
    obj_got, obj_exp = got[..., 0], expected[..., 0]
    if not np.allclose(obj_got, obj_exp, atol=1e-5):
        if np.allclose(obj_got, obj_exp.T, atol=1e-5):
            raise CheckFailed(f"{what}: the objectness map is transposed: x/y swapped? The row index comes from "
                              "cy (floor(cy / cell)) and the column from cx; index [row, col]")
        rows, cols = np.nonzero(obj_exp > 0.5)
        raise CheckFailed(f"{what}: objectness (channel 0) should be 1 exactly in the cells holding a box centre, "
                          f"(row, col) in {list(zip(rows.tolist(), cols.tolist()))}, and 0 elsewhere; "
                          f"got 1 at {[tuple(int(v) for v in rc) for rc in np.argwhere(obj_got > 0.5)]}")
    cells = obj_exp > 0.5
    if not np.allclose(got[~cells], 0, atol=1e-5):
        raise CheckFailed(f"{what}: cells without an object centre must be all zeros")
    g, e = got[cells], expected[cells]
    if not np.allclose(g[:, 1:3], e[:, 1:3], atol=1e-5):
        if np.allclose(g[:, 1:3], e[:, 2:0:-1], atol=1e-5):
            raise CheckFailed(f"{what}: the centre offsets are swapped: channel 1 is the x offset, "
                              "channel 2 the y offset")
        raise CheckFailed(f"{what}: centre offsets (channels 1-2) wrong: got {np.round(g[0, 1:3], 4).tolist()}, "
                          "expected the centre's position inside its cell in cell units, cx / cell - col (in [0, 1))")
    if not np.allclose(g[:, 3:5], e[:, 3:5], atol=1e-5):
        hint = ""
        if np.allclose(g[:, 3:5], e[:, 3:5] ** 2, atol=1e-5):
            hint = ": take the square root, sqrt(w / image_size)"
        elif np.allclose(g[:, 3:5], e[:, 4:2:-1], atol=1e-5):
            hint = ": width and height swapped? channel 3 is the width"
        raise CheckFailed(f"{what}: size channels 3-4 wrong{hint}")
    raise CheckFailed(f"{what}: class channels 5.. must be the one-hot label of the object in the cell")


@EXERCISE.check("encode", points=1)
def encode_shape(sub, ctx: Context):
    """encode_boxes returns one float grid tensor in the track's layout"""
    _encode(sub, HAND_BOXES, HAND_LABELS, "encode_boxes(2 boxes, grid=4, num_classes=3, image_size=32)")


@EXERCISE.check("encode", points=2)
def encode_hand_made(sub, ctx: Context):
    """objectness, offsets, sqrt sizes and one-hot classes on hand-made boxes"""
    what = "encode_boxes(hand-made boxes)"
    _diagnose_encode(_encode(sub, HAND_BOXES, HAND_LABELS, what), encode_reference(HAND_BOXES, HAND_LABELS), what)
    scenes = shapes.scenes(4, seed=3)
    for boxes, labels in zip(scenes.boxes, scenes.labels):
        what = "encode_boxes(a fixture scene)"
        _diagnose_encode(_encode(sub, boxes, labels, what), encode_reference(boxes, labels), what)


def _match_boxes(got: np.ndarray, expected: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """One-to-one matching (decoders may list cells in any order): rows, cols, worst coordinate error."""
    cost = np.abs(got[:, None, :] - expected[None, :, :]).max(-1)
    rows, cols = linear_sum_assignment(cost)
    return rows, cols, float(cost[rows, cols].max())


def _compare_detections(got, boxes: np.ndarray, scores: np.ndarray, labels: np.ndarray, what: str) -> int:
    if not isinstance(got, list) or len(got) != 3:
        raise CheckFailed(f"{what} should return a tuple (boxes, scores, labels), got {type(got).__name__}"
                          + (f" of length {len(got)}" if isinstance(got, list) else ""))
    k = len(boxes)
    g_boxes = expect.array(got[0], f"{what} boxes")
    if g_boxes.shape != (k, 4):
        too_many = g_boxes.ndim == 2 and len(g_boxes) > k
        raise CheckFailed(f"{what}: expected boxes of shape ({k}, 4), got {g_boxes.shape}"
                          + ("; keep only the cells whose score is >= score_threshold" if too_many else ""))
    g_scores = expect.shape(got[1], (k,), f"{what} scores")
    g_labels = expect.shape(got[2], (k,), f"{what} labels")
    expect.dtype(g_labels, "iu", f"{what} labels", "an integer dtype")
    if k == 0:
        return 0
    g_boxes = g_boxes.astype(np.float64)
    expect.finite(g_boxes, f"{what} boxes")
    rows, cols, worst = _match_boxes(g_boxes, boxes)
    if worst > 1e-3:
        coord = ["x1", "y1", "x2", "y2"][int(np.argmax(np.abs(g_boxes[rows] - boxes[cols]).max(0)))]
        hint = ""
        if _match_boxes(g_boxes, boxes[:, [1, 0, 3, 2]])[2] < 1e-3:
            hint = "; x and y are swapped (cx comes from col and channel 1, cy from row and channel 2)"
        raise CheckFailed(f"{what}: boxes are off by up to {worst:.3g} pixels (worst on {coord}){hint}; "
                          "cx = (col + channel 1) * cell, w = channel 3 ** 2 * image_size")
    if not np.array_equal(g_labels[rows].astype(np.int64), labels[cols]):
        raise CheckFailed(f"{what}: labels differ; the label is the argmax of the class channels 5..")
    if not np.allclose(g_scores[rows].astype(np.float64), scores[cols], atol=1e-5):
        raise CheckFailed(f"{what}: scores differ; the score is objectness * max class probability")
    return k


@EXERCISE.check("encode", points=1)
def decode_round_trip(sub, ctx: Context):
    """decode_predictions(encode_boxes(boxes)) gives the boxes back"""
    scenes = shapes.scenes(6, seed=4)
    for boxes, labels in zip(scenes.boxes, scenes.labels):
        target = sub.call("encode_boxes", boxes, labels, GRID, NUM_CLASSES, IMAGE_SIZE)
        expect.array(target, "encode_boxes")
        got = sub.call("decode_predictions", target, IMAGE_SIZE, 0.5)
        _compare_detections(got, boxes.astype(np.float64), np.ones(len(boxes)), labels,
                            "decode_predictions(encode_boxes(scene boxes), 32, 0.5)")


def _random_prediction_map(rng: np.random.Generator, n_classes: int = NUM_CLASSES) -> np.ndarray:
    out = np.empty((GRID, GRID, 5 + n_classes))
    out[..., 0] = rng.uniform(0, 1, (GRID, GRID))
    out[..., 1:5] = rng.uniform(0.05, 0.95, (GRID, GRID, 4))
    logits = rng.normal(0, 2, (GRID, GRID, n_classes))
    out[..., 5:] = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return out.astype(np.float32)


def _check_decode_map(sub, out: np.ndarray, threshold: float, what: str) -> int:
    scores = out[..., 0].astype(np.float64) * out[..., 5:].max(-1)
    if np.abs(scores - threshold).min() < 1e-4:  # keep the decision away from rounding
        raise AssertionError("grader: a score lies at the threshold")
    boxes, scores, labels = decode_reference(out, IMAGE_SIZE, threshold)
    got = sub.call("decode_predictions", grid_to_track(out, sub.layout), IMAGE_SIZE, threshold)
    return _compare_detections(got, boxes, scores, labels, what)


@EXERCISE.check("encode", points=2)
def decode_prediction_map(sub, ctx: Context):
    """decode_predictions on a prediction map: boxes, scores, labels, score threshold"""
    rng = np.random.default_rng(5)
    out = _random_prediction_map(rng)
    k = _check_decode_map(sub, out, 0.3, "decode_predictions(random prediction map, 32, 0.3)")
    return f"{k} of {GRID * GRID} cells kept"


@EXERCISE.check("encode", points=2, hidden=True)
def encode_decode_hidden(sub, ctx: Context):
    """encoding and decoding on other scenes and maps, and an image without objects"""
    seed = ctx.seed("encode")
    scenes = shapes.scenes(5, seed=seed)
    for boxes, labels in zip(scenes.boxes, scenes.labels):
        _diagnose_encode(_encode(sub, boxes, labels, "encode_boxes"), encode_reference(boxes, labels), "encode_boxes")
    empty = _encode(sub, np.zeros((0, 4), np.float32), np.zeros((0,), np.int64), "encode_boxes(no boxes)")
    if not np.allclose(empty, 0):
        raise CheckFailed("encode_boxes(no boxes) should be all zeros")
    rng = np.random.default_rng(seed)
    for threshold in (0.2, 0.6):
        while True:
            out = _random_prediction_map(rng)
            s = out[..., 0].astype(np.float64) * out[..., 5:].max(-1)
            if np.abs(s - threshold).min() > 1e-4:
                break
        _check_decode_map(sub, out, threshold, "decode_predictions")


# ---------------------------------------------------------------------------------------------
# Part 4: the detector
# ---------------------------------------------------------------------------------------------
def _scenes(ctx: Context, label: str, n: int) -> shapes.Scenes:
    return ctx.memo(f"scenes/{label}", lambda: shapes.scenes(n, size=IMAGE_SIZE, grid=GRID, seed=ctx.seed(label)))


def _predict(sub, model: Handle, images_nhwc: np.ndarray, what: str) -> np.ndarray:
    out = sub.predict(model, to_layout(images_nhwc, sub.layout))
    if isinstance(out, list):
        raise CheckFailed(f"{what} returned a {len(out)}-item list/tuple; the model must return one tensor "
                          "holding all 5 + C channels per cell")
    return grid_from_track(out, sub.layout, what, n=len(images_nhwc))


def _built(sub, ctx: Context) -> dict:
    def compute():
        seed = ctx.seed("detector")
        sub.seed(seed)
        model = sub.call("build_detector", GRID, NUM_CLASSES, seed)
        if not isinstance(model, Handle):
            raise CheckFailed(f"build_detector returned {type(model).__name__}; expected a model")
        train = _scenes(ctx, "train-scenes", N_TRAIN)
        probe = train.images[:128]
        before = _predict(sub, model, probe, f"model(images {to_layout(probe, sub.layout).shape})")
        return {"seed": seed, "model": model, "before": before, "weights": sub.get_weights(model)}

    return ctx.memo("built", compute)


def _trained(sub, ctx: Context) -> dict:
    def compute():
        built = _built(sub, ctx)
        train = _scenes(ctx, "train-scenes", N_TRAIN)
        targets = np.stack([encode_reference(b, l) for b, l in zip(train.boxes, train.labels)]).astype(np.float32)
        sub.seed(built["seed"])
        losses, steps_taken = integrity.train_counting_steps(
            sub, "train_detector", built["model"], to_layout(train.images, sub.layout),
            grid_to_track(targets, sub.layout), STEPS, built["seed"])
        after = _predict(sub, built["model"], train.images[:128], "model(training images)")
        return {"losses": losses, "steps_taken": steps_taken, "after": after, "targets": targets[:128],
                "weights": sub.get_weights(built["model"])}

    return ctx.memo("trained", compute)


def _check_output_format(out: np.ndarray, what: str) -> None:
    expect.finite(out, what)
    expect.in_range(out[..., :5], 0, 1, f"{what} channels 0-4 (objectness, offsets, sqrt sizes)",
                    "pass channels 0-4 through a sigmoid inside the model")
    expect.in_range(out[..., 5:], 0, 1, f"{what} class channels", "apply a softmax over the class channels")
    sums = out[..., 5:].sum(-1)
    if not np.allclose(sums, 1, atol=1e-3):
        raise CheckFailed(f"{what}: class probabilities (channels 5..) sum to {sums.min():.3g}..{sums.max():.3g} "
                          "per cell, expected 1: softmax over the class channels (dim=1 in NCHW, axis -1 in NHWC)")


@EXERCISE.check("detector", points=1)
def detector_output_format(sub, ctx: Context):
    """the untrained model outputs (N, 5 + C, S, S) / (N, S, S, 5 + C) in the target layout"""
    _check_output_format(_built(sub, ctx)["before"], "the model's output")


@EXERCISE.check("detector", points=1)
def detector_trains(sub, ctx: Context):
    """training changes the weights and lowers each term of the grader's loss on the training scenes"""
    built, trained = _built(sub, ctx), _trained(sub, ctx)
    expect.weights_changed(built["weights"], trained["weights"], "train_detector")
    losses = trained["losses"]
    if not isinstance(losses, list) or len(losses) != STEPS:
        length = f" of length {len(losses)}" if isinstance(losses, list) else ""
        raise CheckFailed(f"train_detector should return a list of {STEPS} per-step losses (floats), got "
                          f"{type(losses).__name__}{length}")
    expect.finite(np.asarray([expect.scalar(v, "each loss") for v in losses]), "train_detector losses")  # format only
    budget = integrity.within_budget(trained["steps_taken"], STEPS, f"train_detector(..., steps={STEPS})")
    _check_output_format(trained["after"], "the trained model's output")
    before = loss_terms_reference(built["before"], trained["targets"])
    after = loss_terms_reference(trained["after"], trained["targets"])
    for term, hint in LOSS_TERM_HINTS.items():
        if not after[term] < LOSS_FACTOR * before[term]:
            raise CheckFailed(f"the {term} term of the loss, measured by the grader on the training scenes, went "
                              f"from {before[term]:.3g} to {after[term]:.3g} (needs below {LOSS_FACTOR:g}x the "
                              f"start); {hint}")
    return f"{budget}; grader's loss terms on training scenes: " + ", ".join(
        f"{term} {before[term]:.3g} -> {after[term]:.3g}" for term in LOSS_TERM_HINTS)


def _objectness_rates(sub, model: Handle, scenes: shapes.Scenes) -> tuple[float, float, float]:
    """(ROC AUC of objectness between object and empty cells, mean objectness of each)."""
    out = _predict(sub, model, scenes.images, "model(held-out images)")
    obj = out[..., 0]
    has = np.stack([encode_reference(b, l)[..., 0] > 0.5 for b, l in zip(scenes.boxes, scenes.labels)])
    ranks = rankdata(obj.reshape(-1)).reshape(obj.shape)  # Mann-Whitney U, ties counted half
    n_pos, n_neg = has.sum(), (~has).sum()
    auc = (ranks[has].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)
    return float(auc), float(obj[has].mean()), float(obj[~has].mean())


@EXERCISE.check("detector", points=1)
def detector_objectness(sub, ctx: Context):
    """objectness is high in cells holding an object centre and low elsewhere"""
    model = _built(sub, ctx)["model"]
    _trained(sub, ctx)
    auc, pos, neg = _objectness_rates(sub, model, _scenes(ctx, "test-scenes", N_TEST))
    if auc < OBJECTNESS_AUC_MIN or pos - neg < OBJECTNESS_GAP_MIN:
        raise CheckFailed(f"objectness does not tell object cells from empty ones on held-out scenes: mean "
                          f"{pos:.2f} in cells holding an object centre vs {neg:.2f} elsewhere, ROC AUC {auc:.3f} "
                          f"(needs a gap of {OBJECTNESS_GAP_MIN:g} and AUC {OBJECTNESS_AUC_MIN:g}); is the objectness "
                          "term (BCE on channel 0, over every cell) in the loss?")
    return f"objectness {pos:.2f} on object cells vs {neg:.2f} on empty ones, ROC AUC {auc:.3f}"


def detections(outputs_nhwc: np.ndarray, score_threshold: float = 0.01, iou_threshold: float = 0.5) -> list[dict]:
    """Grader-side post-processing: decode each map, then NMS per class."""
    dets = []
    for out in outputs_nhwc:
        boxes, scores, labels = decode_reference(out, IMAGE_SIZE, score_threshold)
        keep = [np.flatnonzero(labels == c)[nms_reference(boxes[labels == c], scores[labels == c], iou_threshold)]
                for c in np.unique(labels)]
        keep = np.concatenate(keep) if keep else np.zeros(0, np.int64)
        dets.append({"boxes": boxes[keep], "scores": scores[keep], "labels": labels[keep]})
    return dets


def object_cell_report(outputs_nhwc: np.ndarray, scenes: shapes.Scenes) -> tuple[float, float]:
    """In the cells responsible for a ground-truth object: the fraction with the right class, and the
    mean IoU of the decoded box with the object's box (names the weak loss term when mAP is low)."""
    right, ious = [], []
    for out, boxes, labels in zip(outputs_nhwc, scenes.boxes, scenes.labels):
        all_boxes, _, all_labels = decode_reference(out, IMAGE_SIZE, -1.0)  # every cell, row-major
        for box, label in zip(boxes, labels):
            cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
            k = min(int(cy // CELL), GRID - 1) * GRID + min(int(cx // CELL), GRID - 1)
            right.append(all_labels[k] == label)
            ious.append(box_iou(all_boxes[k:k + 1], box[None])[0, 0])
    return float(np.mean(right)), float(np.mean(ious))


def heldout_map(sub, model: Handle, scenes: shapes.Scenes) -> tuple[float, str]:
    """mAP@0.5 of the model on the scenes, and a hint naming what is weak."""
    out = _predict(sub, model, scenes.images, "model(held-out images)")
    truth = [{"boxes": b, "labels": l} for b, l in zip(scenes.boxes, scenes.labels)]
    value = mean_average_precision(detections(out), truth, iou_threshold=0.5)
    accuracy, iou = object_cell_report(out, scenes)
    hint = (f"in the cells holding an object, the class is right {100 * accuracy:.0f}% of the time and the box "
            f"has a mean IoU of {iou:.2f} with the object")
    if accuracy < 0.7:
        hint += "; the class term of the loss looks weak or missing"
    if iou < 0.5:
        hint += "; boxes are poorly localised: check the box term of the loss"
    return value, hint


@EXERCISE.check("detector", points=2)
def detector_heldout_map(sub, ctx: Context):
    """mAP@0.5 on held-out scenes, measured by the grader, coming from the model's weights"""
    built, trained = _built(sub, ctx), _trained(sub, ctx)
    model, scenes = built["model"], _scenes(ctx, "test-scenes", N_TEST)
    value, hint = heldout_map(sub, model, scenes)
    note = expect.at_least(value, MAP_MIN, f"mAP@0.5 on {N_TEST} held-out scenes", hint)
    shuffled, _ = integrity.with_weights(sub, model, integrity.shuffled_weights(trained["weights"], built["seed"]),
                                         lambda: heldout_map(sub, model, scenes))
    return f"{note}; {integrity.from_the_model(value, shuffled, MAX_SHUFFLED_MAP, 'held-out mAP@0.5')}"


@EXERCISE.check("detector", points=2, hidden=True)
def detector_map_hidden(sub, ctx: Context):
    """mAP@0.5 on other held-out scenes"""
    model = _built(sub, ctx)["model"]
    _trained(sub, ctx)
    value, _ = heldout_map(sub, model, _scenes(ctx, "hidden-scenes", N_TEST))
    expect.at_least(value, MAP_MIN, "mAP@0.5 on other held-out scenes")
