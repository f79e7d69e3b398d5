"""One pinned implementation of each metric the graders use, on numpy arrays.

tests/test_metrics.py cross-checks each against scikit-image, torchmetrics, tf.image / Keras and
scikit-learn with an explicit data range, and on hand-computed cases. Images are arrays of any
numeric dtype (computed in float64), (H, W), (H, W, C) or batched (N, H, W, C); a batch of grey
images needs its channel axis, (N, H, W, 1).

Conventions where libraries differ:

* ``psnr``: the MSE runs over *all* values (a batch gives one number, as torchmetrics' default;
  tf.image.psnr gives one number per image); identical inputs give ``inf`` (as scikit-image).
* ``ssim``: Gaussian window 11 x 11, sigma 1.5, K1 0.01, K2 0.03, population (co)variances, mean
  over the valid window positions, then over channels and images: scikit-image with
  ``gaussian_weights=True, sigma=1.5, use_sample_covariance=False``, and tf.image.ssim. torchmetrics
  (1.x) pads by reflection and averages its map over the border too; its map at the valid
  positions (``return_full_image=True``, cropped by 5 pixels) equals ours.
* ``box_iou``: continuous coordinates (no +1 on widths, as torchvision and COCO); a pair whose
  union is empty (two degenerate boxes) has IoU 0.
* ``mask_iou``: two empty masks have IoU 1 (torchmetrics' jaccard gives 0 by default).
* ``average_precision``: COCO's 101-point interpolated AP; ties in score keep the input order.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage


def psnr(x: np.ndarray, y: np.ndarray, data_range: float) -> float:
    """Peak signal-to-noise ratio in dB over all pixels: 10 log10(R^2 / MSE)."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.shape != y.shape:
        raise ValueError(f"psnr: shapes differ {x.shape} vs {y.shape}")
    if not data_range > 0:
        raise ValueError(f"psnr: data_range must be positive, got {data_range}")
    mse = np.mean((x - y) ** 2)
    return float("inf") if mse == 0 else float(10 * np.log10(data_range**2 / mse))


def gaussian_kernel_1d(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    r = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-(r**2) / (2 * sigma**2))
    return g / g.sum()


def _ssim_2d(x: np.ndarray, y: np.ndarray, data_range: float, k1: float, k2: float, size: int, sigma: float) -> float:
    g = gaussian_kernel_1d(size, sigma)
    pad = size // 2

    def blur(a: np.ndarray) -> np.ndarray:  # "valid" Gaussian filtering: windows entirely inside the image
        a = ndimage.correlate1d(a, g, axis=0, mode="constant")
        a = ndimage.correlate1d(a, g, axis=1, mode="constant")
        return a[pad:a.shape[0] - pad, pad:a.shape[1] - pad]

    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    mx, my = blur(x), blur(y)
    sxx = blur(x * x) - mx * mx
    syy = blur(y * y) - my * my
    sxy = blur(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx**2 + my**2 + c1) * (sxx + syy + c2))
    return float(s.mean())


def ssim(x: np.ndarray, y: np.ndarray, data_range: float, k1: float = 0.01, k2: float = 0.03,
         win_size: int = 11, sigma: float = 1.5) -> float:
    """Structural similarity (Wang et al. 2004): Gaussian 11x11 window, sigma 1.5, mean over
    channels and images. Accepts (H, W), (H, W, C) with C <= 4, or (N, H, W, C); H and W at least
    ``win_size``. A 3-D array is one image, channels last: pass a batch of grey images as
    (N, H, W, 1), since (N, H, W) would be read as one image with W channels."""
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.shape != y.shape:
        raise ValueError(f"ssim: shapes differ {x.shape} vs {y.shape}")
    if win_size % 2 != 1:
        raise ValueError(f"ssim: win_size must be odd, got {win_size}")
    if x.ndim == 3 and x.shape[2] > 4:
        raise ValueError(f"ssim: a 3-D input is one (H, W, C) image, got {x.shape[2]} channels; "
                         "pass a batch of grey images as (N, H, W, 1)")
    if x.ndim == 2:
        x, y = x[None, :, :, None], y[None, :, :, None]
    elif x.ndim == 3:
        x, y = x[None], y[None]
    if x.ndim != 4 or min(x.shape[1:3]) < win_size:
        raise ValueError(f"ssim: need images of at least {win_size}x{win_size}, got shape {x.shape}")
    values = [_ssim_2d(x[n, :, :, c], y[n, :, :, c], data_range, k1, k2, win_size, sigma)
              for n in range(x.shape[0]) for c in range(x.shape[3])]
    return float(np.mean(values))


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise IoU of boxes (x1, y1, x2, y2) in continuous coordinates: (N, 4), (M, 4) -> (N, M)."""
    a, b = np.asarray(a, np.float64).reshape(-1, 4), np.asarray(b, np.float64).reshape(-1, 4)
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:], b[None, :, 2:])
    wh = np.clip(rb - lt, 0, None)
    inter = wh[..., 0] * wh[..., 1]
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def mask_iou(pred: np.ndarray, target: np.ndarray) -> float:
    """IoU of two boolean masks; 1.0 when both are empty."""
    p, t = np.asarray(pred, bool), np.asarray(target, bool)
    union = np.logical_or(p, t).sum()
    return 1.0 if union == 0 else float(np.logical_and(p, t).sum() / union)


def accuracy(pred_labels: np.ndarray, labels: np.ndarray) -> float:
    pred_labels, labels = np.asarray(pred_labels).reshape(-1), np.asarray(labels).reshape(-1)
    if pred_labels.shape != labels.shape:
        raise ValueError(f"accuracy: {pred_labels.shape} predictions for {labels.shape} labels")
    return float(np.mean(pred_labels == labels))


def average_precision(scores: np.ndarray, is_true_positive: np.ndarray, num_ground_truth: int) -> float:
    """Area under the precision-recall curve with COCO's 101-point interpolation."""
    scores = np.asarray(scores, np.float64).reshape(-1)
    is_true_positive = np.asarray(is_true_positive, bool).reshape(-1)
    if scores.shape != is_true_positive.shape:
        raise ValueError(f"average_precision: {scores.shape} scores for {is_true_positive.shape} hit flags")
    if is_true_positive.sum() > num_ground_truth:
        raise ValueError(f"average_precision: {int(is_true_positive.sum())} true positives for "
                         f"{num_ground_truth} ground truths")
    if num_ground_truth == 0:
        return float("nan")
    order = np.argsort(-scores, kind="stable")
    tp = is_true_positive[order]
    tps, fps = np.cumsum(tp), np.cumsum(~tp)
    recall = tps / num_ground_truth
    precision = tps / np.maximum(tps + fps, 1)
    # Precision envelope: max precision at any recall >= r.
    envelope = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    points = np.linspace(0, 1, 101)
    idx = np.searchsorted(recall, points, side="left")
    return float(np.mean([envelope[i] if i < len(envelope) else 0.0 for i in idx]))


def mean_average_precision(detections: list[dict], ground_truths: list[dict], iou_threshold: float = 0.5) -> float:
    """mAP over classes at one IoU threshold, COCO-style matching (greedy by score, each ground
    truth matched once). ``detections[i] = {"boxes": (K, 4), "scores": (K,), "labels": (K,)}`` and
    ``ground_truths[i] = {"boxes": (G, 4), "labels": (G,)}`` for image i."""
    classes = sorted({int(c) for g in ground_truths for c in np.asarray(g["labels"]).reshape(-1)})
    aps = []
    for cls in classes:
        scores, hits, n_gt = [], [], 0
        for det, gt in zip(detections, ground_truths):
            g_boxes = np.asarray(gt["boxes"], np.float64).reshape(-1, 4)[np.asarray(gt["labels"]).reshape(-1) == cls]
            d_mask = np.asarray(det["labels"]).reshape(-1) == cls
            d_boxes = np.asarray(det["boxes"], np.float64).reshape(-1, 4)[d_mask]
            d_scores = np.asarray(det["scores"], np.float64).reshape(-1)[d_mask]
            n_gt += len(g_boxes)
            order = np.argsort(-d_scores, kind="stable")
            ious = box_iou(d_boxes[order], g_boxes)
            taken = np.zeros(len(g_boxes), bool)
            for k, i in enumerate(order):
                scores.append(d_scores[i])
                if len(g_boxes):
                    candidates = np.where(taken, -1.0, ious[k])
                    j = int(np.argmax(candidates))
                    if candidates[j] >= iou_threshold:
                        taken[j] = True
                        hits.append(True)
                        continue
                hits.append(False)
        aps.append(average_precision(np.array(scores), np.array(hits, bool), n_gt))
    return float(np.mean(aps)) if aps else float("nan")
