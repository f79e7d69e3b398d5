"""Grader for image_quality_metrics (seed 003 #3): PSNR, SSIM, batch diversity, Inception Score.

Values are compared with graders.metrics (PSNR, SSIM) and with formulas computed here (diversity,
Inception Score). When a value is off, the grader also computes the classic wrong variants on the
same inputs (data_range ignored, uniform window, N-1 covariance, self-pairs, reversed KL, ...) and
names the one the student's value matches.
"""
from __future__ import annotations

import math

import cv2
import numpy as np
from scipy import ndimage

from fixtures import images

from .. import expect, metrics
from ..core import CheckFailed, Context, Exercise

# The metrics this exercise asks you to write exist in libraries; calling one fails the part
# (graders.watch records calls however they are referenced). NumPy, SciPy's filters and cv2's
# filters are fine; the notebook says so.
LIBRARY_METRICS = [
    "graders.metrics",                           # the grader's own pinned metrics
    "skimage.metrics",                           # peak_signal_noise_ratio, structural_similarity, ...
    "torchmetrics",
    "cv2.PSNR",
    "tensorflow.python.ops.image_ops_impl.psnr",  # tf.image.psnr
    "tensorflow.python.ops.image_ops_impl.ssim",  # tf.image.ssim
    "scipy.stats._entropy.entropy",              # scipy.stats.entropy: the KL of the Inception Score
]
EXERCISE = Exercise("image_quality_metrics", forbidden={"*": LIBRARY_METRICS})

# Tolerances allow float32 arithmetic (cv2 filters, float32 inputs), measured over 300 salts: PSNR moves
# by ~1e-5 dB; SSIM by up to 1.2e-4 (E[x^2] - E[x]^2 cancels in flat windows; worst on an 11 x 16
# image with few positions to average); a float32 Gram-matrix diversity by up to 4e-4 relative
# and 6e-4 on identical images. The subtlest mutant, N - 1 covariances, moves the public SSIM by
# 2e-3 (the most a factor 121/120 can), five times SSIM_ATOL.
PSNR_ATOL_DB = 1e-4
SSIM_ATOL = 4e-4
DIAG_ATOL = 4e-4        # how close a value must be to a wrong variant to name it
DIVERSITY_RTOL = 2e-3
DIVERSITY_ZERO_ATOL = 3e-3


# ---------------------------------------------------------------------------------------------
# fixtures
# ---------------------------------------------------------------------------------------------
def gray_image(seed: int, size=(48, 48), low: float = 0.0, high: float = 1.0) -> np.ndarray:
    h, w = size
    patch = images.patches(1, size=max(h, w), split="test", seed=seed)[0][:h, :w]
    return images.low_contrast(patch, low, high).astype(np.float64)


def color_image(seed: int, size=(40, 40)) -> np.ndarray:
    h, w = size
    return images.patches(1, size=max(h, w), split="train", seed=seed, gray=False)[0][:h, :w].astype(np.float64)


def noisy(x: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    return images.add_gaussian_noise(x, sigma, seed=seed).astype(np.float64)


# ---------------------------------------------------------------------------------------------
# PSNR
# ---------------------------------------------------------------------------------------------
def _psnr_from_mse(mse: float, num: float) -> float:
    return float("inf") if mse == 0 else float(10 * np.log10(num / mse))


def _psnr_variants(x: np.ndarray, y: np.ndarray, data_range: float) -> list[tuple[float, str]]:
    xf, yf = x.astype(np.float64), y.astype(np.float64)
    mse = float(np.mean((xf - yf) ** 2))
    out = []
    if data_range != 1:
        out.append((_psnr_from_mse(mse, 1.0), "the value is what data_range = 1 gives: it ignores data_range; "
                                              "PSNR = 10 log10(data_range**2 / MSE)"))
        out.append((_psnr_from_mse(mse, data_range), "square the data range: PSNR = 10 log10(data_range**2 / MSE), "
                                                     "not 10 log10(data_range / MSE)"))
    if mse > 0:
        out.append((float(20 * np.log10(data_range / mse)), "20 log10 goes with the RMSE (20 log10(R / RMSE)); "
                                                            "with the MSE it is 10 log10(R**2 / MSE)"))
        out.append((float(10 * np.log(data_range**2 / mse)), "use log10, not the natural log"))
        for peak in (float(np.max(xf)), float(np.max(yf))):
            if abs(peak - data_range) > 1e-9:
                out.append((_psnr_from_mse(mse, peak**2), "use data_range, not the image's own maximum"))
    if x.dtype == np.uint8:
        with np.errstate(over="ignore"):
            wrapped = (x - y).astype(np.float64)          # uint8 subtraction wraps around
            wrapped_sq = ((x - y) ** 2).astype(np.float64)
        for m in (np.mean(wrapped**2), np.mean(wrapped_sq)):
            out.append((_psnr_from_mse(float(m), data_range**2),
                        "uint8 arithmetic wraps around (3 - 5 = 254): cast to float before subtracting"))
    return out


def _check_psnr(sub, x, y, data_range, what: str) -> float:
    got = expect.scalar(sub.call("psnr", x, y, data_range), what)
    ref = metrics.psnr(x, y, data_range)
    if abs(got - ref) <= PSNR_ATOL_DB:
        return got
    if math.isnan(got):
        raise CheckFailed(f"{what} is NaN; compute the MSE in float64")
    for value, hint in _psnr_variants(x, y, data_range):
        if abs(value - ref) > 10 * PSNR_ATOL_DB and abs(got - value) <= 1e-3:
            raise CheckFailed(f"{what} is {got:.4f} dB, expected {ref:.4f} dB: {hint}")
    raise CheckFailed(f"{what} is {got:.4f} dB, expected {ref:.4f} dB; "
                      "PSNR = 10 log10(data_range**2 / MSE) with the MSE over all values, in float64")


@EXERCISE.check("psnr", points=1)
def psnr_float_images(sub, ctx: Context):
    """PSNR of float images in [0, 1] with data_range 1"""
    x = gray_image(0)
    got = _check_psnr(sub, x, noisy(x, 0.05, 1), 1.0, "psnr(x, y, 1.0)")
    return f"{got:.2f} dB"


@EXERCISE.check("psnr", points=2)
def psnr_uint8_images(sub, ctx: Context):
    """PSNR of uint8 images with data_range 255"""
    x = gray_image(2)
    xu, yu = images.to_uint8(x), images.to_uint8(noisy(x, 0.04, 3))
    got = _check_psnr(sub, xu, yu, 255, "psnr(x_uint8, y_uint8, 255)")
    return f"{got:.2f} dB"


@EXERCISE.check("psnr", points=1)
def psnr_behaviour(sub, ctx: Context):
    """inf for identical images, falls as noise grows, grows with data_range"""
    x = gray_image(4)
    same = expect.scalar(sub.call("psnr", x, x.copy(), 1.0), "psnr(x, x, 1.0)")
    if not (math.isinf(same) and same > 0):
        raise CheckFailed(f"psnr(x, x, 1.0) is {same!r}: identical images have MSE 0, return float('inf') "
                          "(no epsilon in the MSE)")
    noise = np.random.default_rng(5).normal(size=x.shape)
    sigmas = [0.01, 0.03, 0.1, 0.3]
    values = [expect.scalar(sub.call("psnr", x, x + s * noise, 1.0), f"psnr(x, x + {s} * noise, 1.0)") for s in sigmas]
    if not all(a > b + 1 for a, b in zip(values, values[1:])):
        raise CheckFailed(f"PSNR should fall as the noise sigma grows {sigmas}, got "
                          f"{[round(v, 2) for v in values]} dB")
    y = x + 0.05 * noise
    r1 = expect.scalar(sub.call("psnr", x, y, 1.0), "psnr(x, y, 1.0)")
    r2 = expect.scalar(sub.call("psnr", x, y, 2.0), "psnr(x, y, 2.0)")
    if abs((r2 - r1) - 20 * np.log10(2)) > 1e-3:
        raise CheckFailed(f"doubling data_range should add 20 log10(2) = 6.02 dB, it added {r2 - r1:.3f} dB; "
                          "PSNR = 10 log10(data_range**2 / MSE)")
    return f"{values[0]:.1f} -> {values[-1]:.1f} dB as sigma goes {sigmas[0]} -> {sigmas[-1]}"


@EXERCISE.check("psnr", points=2, hidden=True)
def psnr_hidden(sub, ctx: Context):
    """PSNR on colour images, batches, other sizes and data ranges"""
    seed = ctx.seed("psnr")
    rng = np.random.default_rng(seed)
    c = color_image(seed % 1000, (36, 44))
    _check_psnr(sub, c.astype(np.float32), noisy(c, 0.07, seed + 1).astype(np.float32), 1.0, "psnr (colour)")
    batch = images.patches(4, size=24, split="test", seed=seed % 997)[..., None]
    _check_psnr(sub, batch * 2 - 1, noisy(batch, 0.1, seed + 2) * 2 - 1, 2.0, "psnr (batch in [-1, 1])")
    xu = rng.integers(0, 256, size=(29, 31, 3), dtype=np.uint8)
    yu = rng.integers(0, 256, size=(29, 31, 3), dtype=np.uint8)
    _check_psnr(sub, xu, yu, 255, "psnr (uint8)")


# ---------------------------------------------------------------------------------------------
# SSIM
# ---------------------------------------------------------------------------------------------
def _ssim_map(x, y, data_range, blur, c_square=True, cov_factor=1.0) -> np.ndarray:
    c1, c2 = (0.01 * data_range, 0.03 * data_range)
    if c_square:
        c1, c2 = c1**2, c2**2
    mx, my = blur(x), blur(y)
    sxx = (blur(x * x) - mx * mx) * cov_factor
    syy = (blur(y * y) - my * my) * cov_factor
    sxy = (blur(x * y) - mx * my) * cov_factor
    return ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx**2 + my**2 + c1) * (sxx + syy + c2))


def _ssim_map_mean(x, y, data_range, blur, c_square=True, cov_factor=1.0, crop=5) -> float:
    s = _ssim_map(x, y, data_range, blur, c_square, cov_factor)
    if crop:
        s = s[crop:-crop, crop:-crop]
    return float(np.mean(s))


def _per_channel(fn, x, y):
    if x.ndim == 2:
        return fn(x, y)
    return float(np.mean([fn(x[..., c], y[..., c]) for c in range(x.shape[-1])]))


def _ssim_variants(x: np.ndarray, y: np.ndarray, data_range: float) -> list[tuple[float, str]]:
    """Classic wrong SSIMs on the same inputs, for diagnosis only (the right one is metrics.ssim)."""
    xf, yf = x.astype(np.float64), y.astype(np.float64)
    gauss = lambda a: ndimage.gaussian_filter(a, 1.5, truncate=3.5, mode="reflect")  # noqa: E731
    out = []

    def add(fn, hint, xx=xf, yy=yf):
        try:
            out.append((_per_channel(fn, xx, yy), hint))
        except Exception:  # noqa: BLE001 - a diagnosis that cannot be computed is skipped
            pass

    add(lambda a, b: _ssim_map_mean(a, b, data_range, lambda t: ndimage.uniform_filter(t, 11, mode="reflect")),
        "the value matches a uniform 11 x 11 window: weight the window with a Gaussian (sigma 1.5)")

    def global_stats(a, b):
        c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
        ma, mb = a.mean(), b.mean()
        cov = np.mean((a - ma) * (b - mb))
        return float(((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma**2 + mb**2 + c1) * (a.var() + b.var() + c2)))

    if min(x.shape[:2]) >= 7:
        add(lambda a, b: metrics.ssim(a, b, data_range, win_size=7),
            "the value matches a 7 x 7 Gaussian window: the window is 11 x 11 (sigma 1.5)")
        add(lambda a, b: _ssim_map_mean(a, b, data_range, lambda t: ndimage.uniform_filter(t, 7, mode="reflect"),
                                        cov_factor=49 / 48, crop=3),
            "the value matches scikit-image's defaults (a uniform 7 x 7 window, sample covariance): use an "
            "11 x 11 Gaussian window (sigma 1.5) and E[xy] - E[x]E[y]")
    add(global_stats, "the value matches global image statistics: compute the means, variances and covariance "
                      "in a sliding 11 x 11 Gaussian window and average the SSIM map")
    add(lambda a, b: _ssim_map_mean(a, b, data_range, gauss, cov_factor=121 / 120),
        "the value matches the sample covariance (N - 1): the Gaussian weights sum to 1, use "
        "E[xy] - E[x]E[y] without a correction")
    for mode in ("reflect", "mirror", "constant", "nearest", "wrap"):
        add(lambda a, b, m=mode: _ssim_map_mean(
                a, b, data_range, lambda t: ndimage.gaussian_filter(t, 1.5, truncate=3.5, mode=m), crop=0),
            "the value matches an average over the whole padded image: average the SSIM map over the "
            "valid positions only (drop the 5-pixel border where the window leaves the image)")
    add(lambda a, b: _ssim_map_mean(a, b, data_range, gauss, c_square=False),
        "C1 and C2 must be squared: C1 = (0.01 * data_range) ** 2, C2 = (0.03 * data_range) ** 2")
    if data_range != 1:
        add(lambda a, b: _ssim_map_mean(a, b, 1.0, gauss),
            "the value is what data_range = 1 gives: C1 and C2 scale with data_range "
            "(C1 = (0.01 * data_range) ** 2)")
    if x.dtype == np.uint8:
        def wrapped(a, b):  # squares and products taken in uint8 arithmetic wrap around modulo 256
            a8, b8 = a.astype(np.uint8), b.astype(np.uint8)
            with np.errstate(over="ignore"):
                aa, bb, ab = (a8 * a8).astype(np.float64), (b8 * b8).astype(np.float64), (a8 * b8).astype(np.float64)
            c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
            mx, my = gauss(a), gauss(b)
            sxx, syy, sxy = gauss(aa) - mx**2, gauss(bb) - my**2, gauss(ab) - mx * my
            s = ((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx**2 + my**2 + c1) * (sxx + syy + c2))
            return float(np.mean(s[5:-5, 5:-5]))

        add(wrapped, "uint8 products wrap around (x * x overflows): cast to float before filtering")
    if x.ndim == 3 and x.shape[-1] == 3:
        grey_hint = "the value matches SSIM of the grey images: compute SSIM per channel and average"
        out.append((metrics.ssim(xf.mean(axis=-1), yf.mean(axis=-1), data_range), grey_hint))
        weights = np.array([0.299, 0.587, 0.114])
        out.append((metrics.ssim(xf @ weights, yf @ weights, data_range), grey_hint))
        blur3 = lambda t: ndimage.gaussian_filter(t, 1.5, truncate=3.5, mode="reflect")  # noqa: E731
        out.append((float(np.mean(_ssim_map(xf, yf, data_range, blur3)[5:-5, 5:-5])),
                    "the value matches a 3-D blur that mixes the colour channels: filter each channel "
                    "separately (sigma (1.5, 1.5, 0))"))
    return out


def _check_ssim(sub, x, y, data_range, what: str) -> float:
    got = expect.scalar(sub.call("ssim", x, y, data_range), what)
    ref = metrics.ssim(x, y, data_range)
    if abs(got - ref) <= SSIM_ATOL:
        return got
    if math.isnan(got):
        raise CheckFailed(f"{what} is NaN; compute in float64, and check for a division by zero")
    candidates = [(abs(got - v), hint) for v, hint in _ssim_variants(x, y, data_range)
                  if abs(v - ref) > 2 * SSIM_ATOL and abs(got - v) <= DIAG_ATOL]
    if candidates:
        raise CheckFailed(f"{what} is {got:.6f}, expected {ref:.6f}: {min(candidates)[1]}")
    raise CheckFailed(f"{what} is {got:.6f}, expected {ref:.6f}; check the window (11 x 11 Gaussian, sigma 1.5, "
                      "weights summing to 1), C1 = (0.01 R)^2, C2 = (0.03 R)^2 and the mean over valid positions")


@EXERCISE.check("ssim", points=1)
def ssim_gray_float(sub, ctx: Context):
    """SSIM of grey float images (data_range 1)"""
    # Low contrast plus noise: local variances near C2, where every detail of the definition shows.
    x = gray_image(5, low=0.3, high=0.7)
    got = _check_ssim(sub, x, noisy(x, 0.03, 105), 1.0, "ssim(x, y, 1.0)")
    return f"SSIM {got:.4f}"


@EXERCISE.check("ssim", points=2)
def ssim_uint8(sub, ctx: Context):
    """SSIM of uint8 images with data_range 255"""
    x = gray_image(6, low=0.2, high=0.8)
    xu, yu = images.to_uint8(x), images.to_uint8(noisy(x, 0.04, 7))
    got = _check_ssim(sub, xu, yu, 255, "ssim(x_uint8, y_uint8, 255)")
    return f"SSIM {got:.4f}"


@EXERCISE.check("ssim", points=1)
def ssim_color(sub, ctx: Context):
    """SSIM of colour (H, W, 3) images: the mean over channels"""
    x = color_image(1)
    y = noisy(x, 0.05, 8)
    y[..., 0] = np.clip(y[..., 0] + 0.1 * np.random.default_rng(9).normal(size=y.shape[:2]), 0, 1)
    got = _check_ssim(sub, x, y, 1.0, "ssim(x_rgb, y_rgb, 1.0)")
    return f"SSIM {got:.4f}"


@EXERCISE.check("ssim", points=1)
def ssim_properties(sub, ctx: Context):
    """1 for identical images, symmetric, falls as noise grows"""
    x = gray_image(8)
    same = expect.scalar(sub.call("ssim", x, x.copy(), 1.0), "ssim(x, x, 1.0)")
    if abs(same - 1) > 1e-5:
        raise CheckFailed(f"ssim(x, x, 1.0) is {same:.6f}, should be 1")
    noise = np.random.default_rng(10).normal(size=x.shape)
    y = x + 0.05 * noise
    a = expect.scalar(sub.call("ssim", x, y, 1.0), "ssim(x, y, 1.0)")
    b = expect.scalar(sub.call("ssim", y, x, 1.0), "ssim(y, x, 1.0)")
    if abs(a - b) > 1e-9:
        raise CheckFailed(f"ssim(x, y) = {a:.6f} but ssim(y, x) = {b:.6f}: SSIM is symmetric")
    sigmas = [0.01, 0.05, 0.2]
    values = [expect.scalar(sub.call("ssim", x, x + s * noise, 1.0), f"ssim(x, x + {s} * noise, 1.0)") for s in sigmas]
    if not all(p > q + 0.01 for p, q in zip(values, values[1:])):
        raise CheckFailed(f"SSIM should fall as the noise sigma grows {sigmas}, got {[round(v, 4) for v in values]}")
    return f"SSIM {values[0]:.3f} -> {values[-1]:.3f} as sigma goes {sigmas[0]} -> {sigmas[-1]}"


@EXERCISE.check("ssim", points=2, hidden=True)
def ssim_hidden(sub, ctx: Context):
    """SSIM on other images, sizes, dtypes and data ranges, grey and colour"""
    seed = ctx.seed("ssim")
    x = gray_image(seed % 1000, (37, 53), low=0.25, high=0.75)
    blurred = cv2.GaussianBlur(x, (0, 0), 1.2)
    _check_ssim(sub, x.astype(np.float32), blurred.astype(np.float32), 1.0, "ssim (grey, blurred)")
    c = color_image(seed % 997, (40, 44))
    _check_ssim(sub, images.to_uint8(c), images.to_uint8(noisy(c, 0.06, seed + 1)), 255, "ssim (colour uint8)")
    g = gray_image((seed + 1) % 1000, (32, 32))
    _check_ssim(sub, g * 2 - 1, noisy(g, 0.08, seed + 2) * 2 - 1, 2.0, "ssim (in [-1, 1])")
    t = gray_image((seed + 2) % 1000, (11, 16))
    _check_ssim(sub, t, noisy(t, 0.05, seed + 3), 1.0, "ssim (11 x 16)")


# ---------------------------------------------------------------------------------------------
# Diversity
# ---------------------------------------------------------------------------------------------
def _pair_sq(images_: np.ndarray) -> tuple[np.ndarray, int]:
    flat = np.asarray(images_, np.float64).reshape(len(images_), -1)
    d2 = np.mean((flat[:, None, :] - flat[None, :, :]) ** 2, axis=2)
    return d2, flat.shape[1]


def reference_diversity(images_: np.ndarray) -> float:
    d2, _ = _pair_sq(images_)
    i, j = np.triu_indices(len(d2), k=1)
    return float(np.mean(np.sqrt(d2[i, j])))


def _diversity_variants(images_: np.ndarray) -> list[tuple[float, str]]:
    d2, p = _pair_sq(images_)
    n = len(d2)
    i, j = np.triu_indices(n, k=1)
    flat = np.asarray(images_, np.float64).reshape(n, -1)
    mad = np.mean(np.abs(flat[:, None, :] - flat[None, :, :]), axis=2)[i, j].mean()
    return [
        (float(np.mean(np.sqrt(d2))), "the mean includes the self-pairs i == j (distance 0): average over i < j only"),
        (float(np.sqrt(np.mean(d2[i, j]))), "take the square root per pair, then average (mean of RMS, not RMS of all pairs)"),
        (float(np.mean(np.sqrt(d2[i, j] * p))), "divide by the number of values per image: the RMS difference, "
                                                "not the Euclidean norm"),
        (float(np.mean(d2[i, j])), "take the square root per pair: the RMS difference, not the MSE"),
        (float(mad), "use the RMS difference (square, mean, square root), not the mean absolute difference"),
        (float(np.mean(np.sqrt(np.mean((flat - flat.mean(0)) ** 2, axis=1)))),
         "compare the images pairwise, not with the batch mean"),
    ]


def _check_diversity(sub, batch: np.ndarray, what: str) -> float:
    got = expect.scalar(sub.call("diversity", batch), what)
    ref = reference_diversity(batch)
    if abs(got - ref) <= DIVERSITY_RTOL * abs(ref) + 1e-7:
        return got
    if math.isnan(got):
        raise CheckFailed(f"{what} is NaN: clip the squared distances at 0 before the square root")
    for value, hint in _diversity_variants(batch):
        if abs(value - ref) > 10 * DIVERSITY_RTOL * abs(ref) and abs(got - value) <= DIVERSITY_RTOL * abs(value) + 1e-7:
            raise CheckFailed(f"{what} is {got:.6f}, expected {ref:.6f}: {hint}")
    raise CheckFailed(f"{what} is {got:.6f}, expected {ref:.6f}; the mean over pairs i < j of "
                      "sqrt(mean((x_i - x_j) ** 2))")


@EXERCISE.check("diversity", points=1)
def diversity_value(sub, ctx: Context):
    """mean pairwise RMS difference of a batch"""
    batch = images.patches(6, size=32, split="test", seed=11)
    return f"diversity {_check_diversity(sub, batch, 'diversity(6 grey images)'):.4f}"


@EXERCISE.check("diversity", points=1)
def diversity_detects_collapse(sub, ctx: Context):
    """0 for identical images, low for a collapsed batch, high for a varied one"""
    diverse = images.patches(8, size=32, split="test", seed=12)
    identical = np.repeat(diverse[:1], 8, axis=0)
    zero = expect.scalar(sub.call("diversity", identical), "diversity(8 identical images)")
    if math.isnan(zero):
        raise CheckFailed("diversity(8 identical images) is NaN: rounding makes the squared distance slightly "
                          "negative; clip it at 0 before the square root")
    if abs(zero) > DIVERSITY_ZERO_ATOL:
        raise CheckFailed(f"diversity(8 identical images) is {zero:.3g}, should be 0")
    collapsed = images.add_gaussian_noise(identical, 0.01, seed=13)
    low = expect.scalar(sub.call("diversity", collapsed), "diversity(collapsed batch)")
    high = expect.scalar(sub.call("diversity", diverse), "diversity(diverse batch)")
    if not (0 <= low < 0.25 * high):
        raise CheckFailed(f"diversity of a collapsed batch ({low:.4f}) should be far below that of a varied "
                          f"batch ({high:.4f})")
    return f"collapsed {low:.4f} vs varied {high:.4f}"


@EXERCISE.check("diversity", points=1, hidden=True)
def diversity_hidden(sub, ctx: Context):
    """diversity of colour batches and other batch sizes"""
    seed = ctx.seed("diversity")
    colour = images.patches(5, size=24, split="train", seed=seed % 1000, gray=False)
    _check_diversity(sub, colour, "diversity (colour)")
    _check_diversity(sub, images.patches(2, size=20, split="test", seed=seed % 997), "diversity (two images)")
    grey = images.patches(9, size=28, split="test", seed=seed % 991)[:, :20, :]
    _check_diversity(sub, grey, "diversity (9 images)")


# ---------------------------------------------------------------------------------------------
# Inception Score
# ---------------------------------------------------------------------------------------------
def _kl_rows(p: np.ndarray, q: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(p > 0, p * np.log(p / q), 0.0).sum(axis=-1)


def reference_inception_score(probs: np.ndarray) -> float:
    p = np.asarray(probs, np.float64)
    return float(np.exp(_kl_rows(p, p.mean(axis=0, keepdims=True)).mean()))


def _is_variants(probs: np.ndarray) -> list[tuple[float, str]]:
    p = np.asarray(probs, np.float64)
    marginal = p.mean(axis=0, keepdims=True)
    kl = _kl_rows(p, marginal)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        reverse = np.exp(_kl_rows(np.broadcast_to(marginal, p.shape), p).mean())
        wrong_axis = np.exp(_kl_rows(p, p.mean(axis=1, keepdims=True)).mean())
    return [
        (float(reverse), "KL in the wrong direction: the Inception Score uses KL(p(y|x) || p(y)), "
                         "sum_k p(k|x) log(p(k|x) / p(k))"),
        (float(kl.mean()), "the Inception Score is the exp of the mean KL"),
        (float(np.exp(kl).mean()), "take the exp of the mean KL, not the mean of exp(KL)"),
        (float(np.exp(kl.mean() / np.log(2))), "log2 and exp do not mix: natural log with exp (or log2 with 2**)"),
        (float(wrong_axis), "the marginal p(y) averages the rows over the samples (axis 0)"),
    ]


def _check_inception_score(sub, probs: np.ndarray, what: str) -> float:
    got = expect.scalar(sub.call("inception_score", probs), what)
    ref = reference_inception_score(probs)
    if abs(got - ref) <= 1e-6 * ref:
        return got
    if math.isnan(got):
        raise CheckFailed(f"{what} is NaN: with exact zeros, 0 * log 0 must count as 0 (np.where(p > 0, ...))")
    for value, hint in _is_variants(probs):
        if np.isfinite(value) and abs(value - ref) > 1e-4 * ref and abs(got - value) <= 1e-6 * abs(value):
            raise CheckFailed(f"{what} is {got:.6f}, expected {ref:.6f}: {hint}")
    if math.isinf(got):
        raise CheckFailed(f"{what} is inf, expected {ref:.6f}: KL(p(y|x) || p(y)) is finite because p(y) > 0 "
                          "wherever p(y|x) > 0; is the KL in the wrong direction?")
    raise CheckFailed(f"{what} is {got:.6f}, expected {ref:.6f}; IS = exp(mean_i KL(p(y|x_i) || p(y))) with "
                      "p(y) the mean of the rows")


def _dirichlet(seed: int, n: int, k: int, alpha: float = 0.5) -> np.ndarray:
    p = np.random.default_rng(seed).dirichlet(np.full(k, alpha), size=n)
    return p / p.sum(axis=1, keepdims=True)


@EXERCISE.check("inception_score", points=1)
def inception_score_value(sub, ctx: Context):
    """Inception Score of soft class probabilities"""
    got = _check_inception_score(sub, _dirichlet(14, 20, 5), "inception_score(probs (20, 5))")
    return f"IS {got:.4f}"


@EXERCISE.check("inception_score", points=1)
def inception_score_extremes(sub, ctx: Context):
    """K for confident samples covering K classes, 1 for identical predictions"""
    k = 4
    one_hot = np.eye(k)[np.arange(12) % k]
    best = expect.scalar(sub.call("inception_score", one_hot), "inception_score(one-hot, 4 classes equally used)")
    if math.isnan(best):
        raise CheckFailed("inception_score(one-hot rows) is NaN: with exact zeros, 0 * log 0 must count as 0 "
                          "(np.where(p > 0, ...))")
    if abs(best - k) > 1e-6 * k:
        hint = ("; is the KL in the wrong direction? KL(p(y|x) || p(y))" if math.isinf(best) else "")
        raise CheckFailed(f"inception_score(one-hot rows, {k} classes used equally) is {best:.6g}, should be {k}{hint}")
    worst = expect.scalar(sub.call("inception_score", np.repeat(_dirichlet(15, 1, k), 10, axis=0)),
                          "inception_score(identical rows)")
    if abs(worst - 1) > 1e-6:
        raise CheckFailed(f"inception_score(identical rows) is {worst:.6g}, should be 1 (every KL is 0)")
    collapsed = np.eye(k)[np.zeros(12, int)]
    one = expect.scalar(sub.call("inception_score", collapsed), "inception_score(all samples one class)")
    if abs(one - 1) > 1e-6:
        raise CheckFailed(f"inception_score(all samples confidently one class) is {one:.6g}, should be 1 (mode collapse)")
    return f"IS {best:.3f} (max {k}) and {worst:.3f} (min 1)"


@EXERCISE.check("inception_score", points=1, hidden=True)
def inception_score_hidden(sub, ctx: Context):
    """Inception Score on other sample counts and classes, with exact zeros"""
    seed = ctx.seed("inception_score")
    _check_inception_score(sub, _dirichlet(seed, 50, 10, 0.3), "inception_score")
    sparse = _dirichlet(seed + 1, 30, 7, 1.0)
    sparse[sparse < 0.1] = 0.0
    sparse[np.arange(30), np.argmax(sparse, axis=1)] += 1e-3
    sparse /= sparse.sum(axis=1, keepdims=True)
    _check_inception_score(sub, sparse, "inception_score (with zeros)")
