"""Plots for notebooks' demo cells: a loss curve and a grid of images, in either layout."""
from __future__ import annotations

from typing import Sequence

import numpy as np


def _to_numpy(x) -> np.ndarray:
    if hasattr(x, "detach"):
        x = x.detach().cpu()
    return np.asarray(x)


def image_grid(images, layout: str = "NHWC", ncols: int = 8, title: str | None = None, vmin: float = 0.0,
               vmax: float = 1.0, ax=None):
    """Show a batch of images (N, H, W), NHWC or NCHW (``layout``), as a grid."""
    import matplotlib.pyplot as plt

    x = _to_numpy(images).astype(np.float32)
    if x.ndim == 4 and layout == "NCHW":
        x = x.transpose(0, 2, 3, 1)
    if x.ndim == 4 and x.shape[-1] == 1:
        x = x[..., 0]
    n = len(x)
    nrows = int(np.ceil(n / ncols))
    h, w = x.shape[1:3]
    canvas = np.ones((nrows * (h + 1) - 1, ncols * (w + 1) - 1) + x.shape[3:], np.float32) * vmax
    for i, im in enumerate(x):
        r, c = divmod(i, ncols)
        canvas[r * (h + 1):r * (h + 1) + h, c * (w + 1):c * (w + 1) + w] = im
    if ax is None:
        _, ax = plt.subplots(figsize=(min(12, ncols * 1.2), nrows * 1.2 + 0.4))
    ax.imshow(np.clip(canvas, vmin, vmax), cmap="gray" if canvas.ndim == 2 else None, vmin=vmin, vmax=vmax)
    ax.axis("off")
    if title:
        ax.set_title(title)
    return ax


def loss_curve(curves: dict[str, Sequence[float]], title: str = "training loss", ax=None, smooth: int = 1):
    """Plot one or more loss curves (name -> values per step), optionally with a moving average."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(6, 3.5))
    for name, values in curves.items():
        v = np.asarray([float(_to_numpy(x)) for x in values])
        if smooth > 1 and len(v) >= smooth:
            v = np.convolve(v, np.ones(smooth) / smooth, mode="valid")
        ax.plot(v, label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("loss")
    ax.set_title(title)
    ax.legend()
    return ax
