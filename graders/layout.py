"""Image layouts. Graders build fixtures NHWC (channels last) and convert at the boundary:
PyTorch submissions see NCHW, Keras and NumPy submissions NHWC."""
from __future__ import annotations

import numpy as np


def to_layout(images_nhwc: np.ndarray, layout: str) -> np.ndarray:
    """(N, H, W, C) -> the submission's layout."""
    if images_nhwc.ndim != 4:
        raise ValueError(f"expected NHWC images, got shape {images_nhwc.shape}")
    return np.ascontiguousarray(images_nhwc.transpose(0, 3, 1, 2)) if layout == "NCHW" else images_nhwc


def from_layout(images: np.ndarray, layout: str) -> np.ndarray:
    """The submission's layout -> (N, H, W, C)."""
    return np.ascontiguousarray(images.transpose(0, 2, 3, 1)) if layout == "NCHW" else images


def shape(n: int, h: int, w: int, c: int, layout: str) -> tuple[int, int, int, int]:
    return (n, c, h, w) if layout == "NCHW" else (n, h, w, c)
