"""graders.metrics, the one pinned implementation of each metric, against scikit-image, torchmetrics,
tf.image / Keras and scikit-learn (explicit data_range everywhere), plus hand-computed values and
properties. TensorFlow is imported only by the tests that need it (it costs seconds)."""
from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from fixtures import images
from graders import metrics


# ---------------------------------------------------------------------------------------------
# image pairs: grey and colour, float in [0, 1] (data_range 1) and 0..255 (data_range 255), batched
# ---------------------------------------------------------------------------------------------
def _pair(kind: str, batch: int = 0, size: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray, float]:
    """(x, y, data_range): x clean, y noisy; NHWC with a batch axis when ``batch``, else (H, W[, C])."""
    colour = kind.startswith("colour")
    n = max(batch, 1)
    x = images.patches(n, size=size, split="test" if not colour else "train", seed=seed, gray=not colour)
    if not colour:
        x = x[..., None]
    y = images.add_gaussian_noise(x, 0.06, seed=seed + 1)
    if kind.endswith("uint8"):
        x, y, data_range = images.to_uint8(x), images.to_uint8(y), 255.0
    else:
        x, y, data_range = x.astype(np.float64), y.astype(np.float64), 1.0
    if not batch:
        x, y = x[0], y[0]
        if not colour:
            x, y = x[..., 0], y[..., 0]
    return x, y, data_range


KINDS = ["grey-float", "colour-float", "grey-uint8", "colour-uint8"]


def _nhwc(a: np.ndarray) -> np.ndarray:
    """(H, W), (H, W, C) or (N, H, W, C) -> (N, H, W, C)."""
    if a.ndim == 2:
        a = a[..., None]
    return a[None] if a.ndim == 3 else a


@pytest.fixture(scope="module")
def tf():
    import os

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    return pytest.importorskip("tensorflow")


# ---------------------------------------------------------------------------------------------
# PSNR
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch", [0, 3])
def test_psnr_matches_skimage(kind, batch):
    from skimage.metrics import peak_signal_noise_ratio

    x, y, r = _pair(kind, batch)
    assert metrics.psnr(x, y, r) == pytest.approx(peak_signal_noise_ratio(x, y, data_range=r), abs=1e-9)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch", [0, 3])
def test_psnr_matches_torchmetrics(kind, batch):
    import torch
    from torchmetrics.functional import peak_signal_noise_ratio

    x, y, r = _pair(kind, batch)
    t = lambda a: torch.as_tensor(_nhwc(a).astype(np.float64)).permute(0, 3, 1, 2)  # noqa: E731
    expected = float(peak_signal_noise_ratio(t(y), t(x), data_range=r))  # MSE over all values
    assert metrics.psnr(x, y, r) == pytest.approx(expected, abs=1e-5)  # torchmetrics casts data_range to float32


@pytest.mark.parametrize("kind", KINDS)
def test_psnr_matches_tf_image_per_image(tf, kind):
    x, y, r = _pair(kind, batch=3)
    expected = tf.image.psnr(x.astype(np.float32), y.astype(np.float32), max_val=r).numpy()  # one per image
    got = [metrics.psnr(x[i], y[i], r) for i in range(len(x))]
    np.testing.assert_allclose(got, expected, atol=1e-3)


def test_psnr_known_values_and_properties():
    x = np.zeros((16, 16))
    assert metrics.psnr(x, x + 0.1, 1.0) == pytest.approx(20.0, abs=1e-12)  # MSE 0.01
    assert metrics.psnr(x, x + 25.5, 255) == pytest.approx(20.0, abs=1e-12)
    assert metrics.psnr(x, x + 0.1, 2.0) == pytest.approx(20.0 + 20 * math.log10(2), abs=1e-12)
    a, b, r = _pair("grey-float")
    assert metrics.psnr(a, a.copy(), r) == math.inf  # identical images: MSE 0, PSNR +inf
    assert metrics.psnr(a, b, r) == metrics.psnr(b, a, r)
    # uint8 input is not subtracted in uint8 (no wrap-around): 3 - 5 has squared error 4
    assert metrics.psnr(np.full((4, 4), 3, np.uint8), np.full((4, 4), 5, np.uint8), 255) == pytest.approx(
        10 * math.log10(255**2 / 4))
    noise = np.random.default_rng(0).normal(size=a.shape)
    values = [metrics.psnr(a, a + s * noise, 1.0) for s in (0.01, 0.03, 0.1, 0.3)]
    assert all(p > q for p, q in zip(values, values[1:]))
    with pytest.raises(ValueError):
        metrics.psnr(a, a[:-1], 1.0)
    with pytest.raises(ValueError):
        metrics.psnr(a, b, 0)


# ---------------------------------------------------------------------------------------------
# SSIM
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch", [0, 3])
def test_ssim_matches_skimage(kind, batch):
    from skimage.metrics import structural_similarity

    x, y, r = _pair(kind, batch)
    xs, ys = _nhwc(x).astype(np.float64), _nhwc(y).astype(np.float64)
    expected = np.mean([structural_similarity(xs[i], ys[i], data_range=r, channel_axis=-1, gaussian_weights=True,
                                              sigma=1.5, use_sample_covariance=False) for i in range(len(xs))])
    assert metrics.ssim(x, y, r) == pytest.approx(expected, abs=1e-10)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("batch", [0, 3])
def test_ssim_matches_torchmetrics_on_the_valid_region(kind, batch):
    """torchmetrics (1.x) pads the images by reflection and averages its SSIM map over the whole
    image, border included; its map at the valid positions (5 pixels in from each border) does not
    depend on the padding and must equal ours."""
    import torch
    from torchmetrics.functional import structural_similarity_index_measure

    x, y, r = _pair(kind, batch)
    t = lambda a: torch.as_tensor(_nhwc(a).astype(np.float64)).permute(0, 3, 1, 2)  # noqa: E731
    scalar, full = structural_similarity_index_measure(t(y), t(x), data_range=r, return_full_image=True,
                                                       reduction="none")
    assert full.shape == t(x).shape
    valid = full[..., 5:-5, 5:-5].mean(dim=(1, 2, 3)).numpy()  # one value per image
    expected = float(valid.mean())
    assert metrics.ssim(x, y, r) == pytest.approx(expected, abs=1e-8)
    # the documented difference: torchmetrics' own number includes the padded border
    np.testing.assert_allclose(scalar.numpy(), full.mean(dim=(1, 2, 3)).numpy(), atol=1e-12)
    assert abs(float(scalar.mean()) - metrics.ssim(x, y, r)) > 1e-4


@pytest.mark.parametrize("kind", KINDS)
def test_ssim_matches_tf_image(tf, kind):
    x, y, r = _pair(kind, batch=3)
    xs, ys = _nhwc(x).astype(np.float32), _nhwc(y).astype(np.float32)
    expected = tf.image.ssim(xs, ys, max_val=r, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03).numpy()
    got = [metrics.ssim(x[i], y[i], r) for i in range(len(x))]
    np.testing.assert_allclose(got, expected, atol=5e-5)  # tf computes in float32
    assert metrics.ssim(x, y, r) == pytest.approx(float(np.mean(expected)), abs=5e-5)


def test_ssim_data_range_matters_and_scales():
    x, y, _ = _pair("grey-float")
    # same images on the 0..255 scale with data_range 255: the same SSIM
    assert metrics.ssim(x * 255, y * 255, 255) == pytest.approx(metrics.ssim(x, y, 1.0), abs=1e-10)
    # a wrong data_range changes C1, C2 and the value
    assert abs(metrics.ssim(x * 255, y * 255, 1.0) - metrics.ssim(x, y, 1.0)) > 1e-3


def test_ssim_of_constant_images_is_the_luminance_term():
    # no variance anywhere: SSIM = (2ab + C1) / (a^2 + b^2 + C1), everywhere in the image
    a, b, c1 = 0.3, 0.6, (0.01 * 1.0) ** 2
    expected = (2 * a * b + c1) / (a * a + b * b + c1)
    assert metrics.ssim(np.full((20, 24), a), np.full((20, 24), b), 1.0) == pytest.approx(expected, abs=1e-12)


def test_ssim_properties():
    x, y, r = _pair("grey-float")
    assert metrics.ssim(x, x.copy(), r) == pytest.approx(1.0, abs=1e-12)
    assert metrics.ssim(x, y, r) == pytest.approx(metrics.ssim(y, x, r), abs=1e-14)
    inverted = metrics.ssim(x, 1 - x, r)  # anti-correlated structure: negative SSIM
    assert -1 <= inverted < 0
    noise = np.random.default_rng(1).normal(size=x.shape)
    values = [metrics.ssim(x, x + s * noise, 1.0) for s in (0.01, 0.05, 0.2)]
    assert all(p > q for p, q in zip(values, values[1:])) and all(-1 <= v <= 1 for v in values)
    # colour = mean of the channels; batch = mean of the images
    c, d, _ = _pair("colour-float")
    assert metrics.ssim(c, d, 1.0) == pytest.approx(np.mean([metrics.ssim(c[..., k], d[..., k], 1.0) for k in range(3)]))
    xb, yb, _ = _pair("grey-float", batch=3)
    assert metrics.ssim(xb, yb, 1.0) == pytest.approx(np.mean([metrics.ssim(xb[i], yb[i], 1.0) for i in range(3)]))
    # the smallest image: one window position
    assert -1 <= metrics.ssim(x[:11, :11], y[:11, :11], 1.0) <= 1


def test_ssim_rejects_ambiguous_or_small_inputs():
    x, _, _ = _pair("grey-float", batch=3)
    with pytest.raises(ValueError, match="channels"):
        metrics.ssim(x[..., 0], x[..., 0], 1.0)  # (N, H, W) grey batch would be read as W channels
    with pytest.raises(ValueError):
        metrics.ssim(np.zeros((10, 30)), np.zeros((10, 30)), 1.0)
    with pytest.raises(ValueError):
        metrics.ssim(np.zeros((20, 20)), np.zeros((20, 21)), 1.0)


# ---------------------------------------------------------------------------------------------
# box IoU
# ---------------------------------------------------------------------------------------------
def _random_boxes(rng: np.random.Generator, n: int, integer: bool = False) -> np.ndarray:
    xy = rng.uniform(0, 40, size=(n, 2))
    wh = rng.uniform(1, 25, size=(n, 2))
    boxes = np.concatenate([xy, xy + wh], axis=1)
    return np.round(boxes) if integer else boxes


@pytest.mark.parametrize(("a", "b", "expected"), [
    ([0, 0, 2, 2], [0, 0, 2, 2], 1.0),            # identical
    ([0, 0, 2, 2], [1, 1, 3, 3], 1 / 7),          # partial overlap: 1 / (4 + 4 - 1)
    ([0, 0, 2, 2], [5, 5, 6, 6], 0.0),            # disjoint
    ([0, 0, 2, 2], [2, 0, 4, 2], 0.0),            # touching along an edge
    ([0, 0, 2, 2], [2, 2, 3, 3], 0.0),            # touching at a corner
    ([0, 0, 4, 4], [1, 1, 3, 3], 4 / 16),         # nested
    ([0, 0, 10, 10], [0, 0, 10, 5], 0.5),         # exactly 0.5
    ([1, 1, 1, 3], [0, 0, 4, 4], 0.0),            # degenerate (zero width) inside a box
    ([1, 1, 1, 1], [1, 1, 1, 1], 0.0),            # two points: empty union, IoU 0 by convention
    ([3, 3, 1, 1], [0, 0, 4, 4], 0.0),            # inverted corners count as an empty box
])
def test_box_iou_hand_computed(a, b, expected):
    assert metrics.box_iou(np.array([a], float), np.array([b], float))[0, 0] == pytest.approx(expected, abs=1e-12)
    assert metrics.box_iou(np.array([b], float), np.array([a], float))[0, 0] == pytest.approx(expected, abs=1e-12)


def test_box_iou_pairwise_shape_and_symmetry():
    rng = np.random.default_rng(0)
    a, b = _random_boxes(rng, 5), _random_boxes(rng, 7)
    iou = metrics.box_iou(a, b)
    assert iou.shape == (5, 7) and np.all((iou >= 0) & (iou <= 1))
    np.testing.assert_allclose(metrics.box_iou(b, a), iou.T)
    np.testing.assert_allclose(np.diag(metrics.box_iou(a, a)), 1.0)
    assert metrics.box_iou(np.zeros((0, 4)), b).shape == (0, 7)


def test_box_iou_matches_rasterised_masks():
    """Integer boxes cover whole pixels, so the box IoU equals the IoU of their pixel masks."""
    rng = np.random.default_rng(1)
    a, b = _random_boxes(rng, 12, integer=True), _random_boxes(rng, 12, integer=True)

    def mask(box):
        m = np.zeros((80, 80), bool)
        x1, y1, x2, y2 = box.astype(int)
        m[y1:y2, x1:x2] = True
        return m

    iou = metrics.box_iou(a, b)
    expected = np.array([[metrics.mask_iou(mask(p), mask(q)) for q in b] for p in a])
    np.testing.assert_allclose(iou, expected, atol=1e-12)
    assert (expected > 0).sum() >= 5  # the random boxes do overlap


def test_box_iou_matches_keras(tf):
    from keras.utils import bounding_boxes

    rng = np.random.default_rng(2)
    a, b = _random_boxes(rng, 6), _random_boxes(rng, 9)
    expected = np.asarray(bounding_boxes.compute_iou(a.astype(np.float32), b.astype(np.float32),
                                                     bounding_box_format="xyxy"))
    np.testing.assert_allclose(metrics.box_iou(a, b), expected, atol=1e-5)


def test_box_iou_matches_torchvision():
    torch = pytest.importorskip("torch")
    ops = pytest.importorskip("torchvision.ops")  # not installed here: torchmetrics' box IoU needs it too
    rng = np.random.default_rng(3)
    a, b = _random_boxes(rng, 6), _random_boxes(rng, 9)
    np.testing.assert_allclose(metrics.box_iou(a, b), ops.box_iou(torch.as_tensor(a), torch.as_tensor(b)).numpy())


# ---------------------------------------------------------------------------------------------
# mask IoU and accuracy
# ---------------------------------------------------------------------------------------------
def test_mask_iou_matches_sklearn_and_torchmetrics():
    import torch
    from sklearn.metrics import jaccard_score
    from torchmetrics.functional.classification import binary_jaccard_index

    rng = np.random.default_rng(4)
    for _ in range(5):
        p, t = rng.random((24, 30)) < 0.4, rng.random((24, 30)) < 0.5
        got = metrics.mask_iou(p, t)
        assert got == pytest.approx(jaccard_score(t.ravel(), p.ravel()), abs=1e-12)
        assert got == pytest.approx(float(binary_jaccard_index(torch.as_tensor(p), torch.as_tensor(t))), abs=1e-6)


def test_mask_iou_edge_cases():
    m = np.zeros((8, 8), bool)
    m[2:5, 2:5] = True
    assert metrics.mask_iou(m, m) == 1.0
    assert metrics.mask_iou(m, ~m) == 0.0
    inner = np.zeros_like(m)
    inner[3, 3] = True
    assert metrics.mask_iou(inner, m) == pytest.approx(1 / 9)
    assert metrics.mask_iou(np.zeros_like(m), np.zeros_like(m)) == 1.0  # both empty: perfect (documented)
    assert metrics.mask_iou(np.zeros_like(m), m) == 0.0
    assert metrics.mask_iou(m.astype(np.uint8) * 255, m) == 1.0  # any non-zero value is foreground


def test_accuracy_matches_sklearn_and_torchmetrics():
    import torch
    from sklearn.metrics import accuracy_score
    from torchmetrics.functional import accuracy as tm_accuracy

    rng = np.random.default_rng(5)
    labels = rng.integers(0, 5, 200)
    pred = np.where(rng.random(200) < 0.7, labels, rng.integers(0, 5, 200))
    got = metrics.accuracy(pred, labels)
    assert got == pytest.approx(accuracy_score(labels, pred), abs=1e-12)
    assert got == pytest.approx(float(tm_accuracy(torch.as_tensor(pred), torch.as_tensor(labels), task="multiclass",
                                                  num_classes=5, average="micro")), abs=1e-6)
    assert metrics.accuracy(pred.reshape(20, 10), labels.reshape(20, 10)) == got
    with pytest.raises(ValueError):
        metrics.accuracy(pred[:-1], labels)


# ---------------------------------------------------------------------------------------------
# AP and mAP (no COCO backend here: hand-computed values and the definition written out)
# ---------------------------------------------------------------------------------------------
def _ap_by_definition(scores, hits, n_gt) -> float:
    """COCO 101-point AP written as its definition: mean over r in {0, .01, ..., 1} of the highest
    precision at any recall >= r (0 when recall r is never reached)."""
    order = np.argsort(-np.asarray(scores, float), kind="stable")
    h = np.asarray(hits, bool)[order]
    tp, fp = np.cumsum(h), np.cumsum(~h)
    recall, precision = tp / n_gt, tp / np.maximum(tp + fp, 1)
    total = 0.0
    for r in np.linspace(0, 1, 101):
        reached = recall >= r
        total += precision[reached].max() if reached.any() else 0.0
    return total / 101


@pytest.mark.parametrize(("hits", "n_gt", "expected"), [
    ([1, 1, 1], 3, 1.0),                            # perfect ranking, all found
    ([1, 0, 1, 0, 0], 3, (34 + 33 * 2 / 3) / 101),  # r <= 1/3: 1; 1/3 < r <= 2/3: 2/3; never reaches 1
    ([0, 1], 1, 0.5),                               # one false positive ranked first
    ([1], 2, 51 / 101),                             # half the ground truth missed
    ([0, 0, 0], 2, 0.0),                            # only false positives
    ([], 4, 0.0),                                   # no detections
])
def test_average_precision_hand_computed(hits, n_gt, expected):
    scores = np.linspace(1, 0.1, len(hits)) if hits else np.zeros(0)
    assert metrics.average_precision(scores, np.array(hits, bool), n_gt) == pytest.approx(expected, abs=1e-12)


def test_average_precision_matches_its_definition():
    rng = np.random.default_rng(6)
    for _ in range(20):
        n = int(rng.integers(1, 30))
        hits = rng.random(n) < 0.5
        n_gt = int(hits.sum() + rng.integers(0, 4)) or 1
        scores = np.round(rng.random(n), 1)  # ties included
        assert metrics.average_precision(scores, hits, n_gt) == pytest.approx(_ap_by_definition(scores, hits, n_gt))


def test_average_precision_edge_cases():
    assert math.isnan(metrics.average_precision(np.zeros(0), np.zeros(0, bool), 0))
    assert metrics.average_precision([0.2, 0.9], [True, False], 1) == pytest.approx(0.5)  # sorted by score
    with pytest.raises(ValueError):
        metrics.average_precision([0.5, 0.4], [True], 1)
    with pytest.raises(ValueError):
        metrics.average_precision([0.5, 0.4], [True, True], 1)


def _hand_detection_case():
    ground_truths = [
        {"boxes": np.array([[0, 0, 10, 10], [20, 20, 30, 30]], float), "labels": np.array([0, 1])},
        {"boxes": np.array([[0, 0, 10, 10]], float), "labels": np.array([0])},
    ]
    detections = [
        {"boxes": np.array([[0, 0, 10, 10], [0, 0, 10, 10], [20, 20, 30, 30], [50, 50, 60, 60], [20, 20, 30, 30]], float),
         "scores": np.array([0.9, 0.8, 0.7, 0.95, 0.99]), "labels": np.array([0, 0, 1, 1, 2])},
        {"boxes": np.array([[0, 0, 10, 5]], float), "scores": np.array([0.6]), "labels": np.array([0])},
    ]
    return detections, ground_truths


def test_mean_average_precision_hand_computed():
    """Class 0: 0.9 TP, 0.8 duplicate (FP: each ground truth matches once), 0.6 TP at IoU exactly 0.5;
    recall 1/2, 1/2, 1; AP = (51 * 1 + 50 * 2/3) / 101. Class 1: 0.95 FP then 0.7 TP; AP = 0.5.
    Class 2 has no ground truth and is left out of the mean. The right box with the wrong label is
    not a match."""
    detections, ground_truths = _hand_detection_case()
    ap0, ap1 = (51 + 50 * 2 / 3) / 101, 0.5
    assert metrics.mean_average_precision(detections, ground_truths, 0.5) == pytest.approx((ap0 + ap1) / 2, abs=1e-12)
    # at 0.55 the IoU-0.5 detection is a false positive: class 0 reaches recall 1/2 only
    assert metrics.mean_average_precision(detections, ground_truths, 0.55) == pytest.approx((51 / 101 + ap1) / 2, abs=1e-12)


def test_mean_average_precision_perfect_and_empty():
    _, ground_truths = _hand_detection_case()
    perfect = [{"boxes": g["boxes"], "scores": np.ones(len(g["labels"])), "labels": g["labels"]} for g in ground_truths]
    assert metrics.mean_average_precision(perfect, ground_truths) == pytest.approx(1.0)
    empty = [{"boxes": np.zeros((0, 4)), "scores": np.zeros(0), "labels": np.zeros(0, int)} for _ in ground_truths]
    assert metrics.mean_average_precision(empty, ground_truths) == 0.0


def test_mean_average_precision_matches_torchmetrics_when_a_backend_is_installed():
    torch = pytest.importorskip("torch")
    if not any(_importable(m) for m in ("pycocotools", "faster_coco_eval")):
        pytest.skip("torchmetrics' MeanAveragePrecision needs pycocotools or faster_coco_eval")
    try:
        from torchmetrics.detection import MeanAveragePrecision
    except ImportError:  # it also needs torchvision, which this course does not install
        pytest.skip("torchmetrics' MeanAveragePrecision needs torchvision")

    detections, ground_truths = _hand_detection_case()
    metric = MeanAveragePrecision(iou_thresholds=[0.5], class_metrics=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        metric.update([{k: torch.as_tensor(v) for k, v in d.items()} for d in detections],
                      [{k: torch.as_tensor(v) for k, v in g.items()} for g in ground_truths])
        expected = float(metric.compute()["map"])
    assert metrics.mean_average_precision(detections, ground_truths, 0.5) == pytest.approx(expected, abs=1e-6)


def _importable(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None
