"""SSIM with cv2.filter2D and a 2-D Gaussian kernel from cv2.getGaussianKernel, on float32 images as
many students write it; the diversity from the full N x N distance matrix over the ordered pairs i != j.

tracks: numpy
"""
import cv2
import numpy as np


def ssim(x, y, data_range):
    x, y = np.asarray(x, np.float32), np.asarray(y, np.float32)
    k = cv2.getGaussianKernel(11, 1.5)
    window = k @ k.T
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    channels = [(x, y)] if x.ndim == 2 else [(x[..., c], y[..., c]) for c in range(x.shape[2])]
    scores = []
    for a, b in channels:
        f = lambda t: cv2.filter2D(t, -1, window, borderType=cv2.BORDER_REFLECT)[5:-5, 5:-5]  # noqa: E731
        ma, mb = f(a), f(b)
        va, vb, cab = f(a * a) - ma * ma, f(b * b) - mb * mb, f(a * b) - ma * mb
        smap = ((2 * ma * mb + c1) * (2 * cab + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2))
        scores.append(float(smap.mean()))
    return sum(scores) / len(scores)


def diversity(images):
    n = len(images)
    flat = images.reshape(n, -1)
    dist = np.sqrt(((flat[:, None] - flat[None]) ** 2).mean(axis=-1))
    return dist.sum() / (n * (n - 1))  # the diagonal is zero; each pair counted twice
