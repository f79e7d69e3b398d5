"""Held-out digits: the test split of fixtures.digits, re-rendered under a seeded random transform.

Students train on ``fixtures.digits.load_digits("train")`` and may self-check on the public "test"
split. The grader measures on *salted* renders of the test digits: each is shifted, rotated and
scaled a little and gets pixel noise, with a seed from the grading salt. A model that generalises
barely notices (references, 6 salts per track: 0.93-0.97 accuracy after 100 steps); a lookup of the public pool
(scikit-learn's bundled digits) no longer finds exact matches.
"""
from __future__ import annotations

import cv2
import numpy as np

from fixtures import digits

MAX_SHIFT_PX = 0.5
MAX_ROTATION_DEG = 6.0
SCALE_RANGE = (0.95, 1.05)
NOISE_SIGMA = 0.02


def rerender(images: np.ndarray, seed: int) -> np.ndarray:
    """Each (H, W) image in [0, 1] under its own random shift, rotation, scale, plus Gaussian noise."""
    rng = np.random.default_rng(seed)
    out = np.empty_like(images, dtype=np.float32)
    h, w = images.shape[1:3]
    for i, image in enumerate(images):
        matrix = cv2.getRotationMatrix2D(((w - 1) / 2, (h - 1) / 2), rng.uniform(-MAX_ROTATION_DEG, MAX_ROTATION_DEG),
                                         rng.uniform(*SCALE_RANGE))
        matrix[:, 2] += rng.uniform(-MAX_SHIFT_PX, MAX_SHIFT_PX, size=2)
        out[i] = cv2.warpAffine(image.astype(np.float32), matrix, (w, h), flags=cv2.INTER_LINEAR,
                                borderMode=cv2.BORDER_CONSTANT, borderValue=0.0)
    out += rng.normal(0.0, NOISE_SIGMA, size=out.shape).astype(np.float32)
    return np.clip(out, 0.0, 1.0)


def salted_digits(seed: int, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``n`` test digits (all when None), re-rendered with ``seed``: float32 (N, 16, 16) in [0, 1], int64 labels."""
    images, labels = digits.load_digits("test") if n is None else digits.sample(n, "test", seed)
    return rerender(images, seed), labels
