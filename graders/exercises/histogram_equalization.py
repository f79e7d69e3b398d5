"""Grader for histogram_equalization (seed 004 #9): histogram, equalisation, colour."""
from __future__ import annotations

import cv2
import numpy as np

from fixtures import images

from .. import expect
from ..core import CheckFailed, Context, Exercise

# The library functions that *are* the answer of a part: calling them fails it (graders.watch).
# NumPy and cv2.cvtColor are fine; the notebook says so next to each part.
EQUALIZERS = ["cv2.equalizeHist", "cv2.createCLAHE", "skimage.exposure", "PIL.ImageOps"]
EXERCISE = Exercise("histogram_equalization", forbidden={"equalize": EQUALIZERS, "color": EQUALIZERS})


def low_contrast_gray(seed: int, size=(48, 64)) -> np.ndarray:
    h, w = size
    patch = images.patches(1, size=max(h, w), split="test", seed=seed)[0][:h, :w]
    low, high = np.random.default_rng(seed).uniform([0.1, 0.45], [0.35, 0.7])
    return images.to_uint8(images.low_contrast(patch, low, high))


def color_image(seed: int, size: int = 48) -> np.ndarray:
    patch = images.patches(1, size=size, split="train", seed=seed, gray=False)[0]
    return images.to_uint8(images.low_contrast(patch, 0.2, 0.65))


def reference_color(img: np.ndarray, space: str = "YCrCb", order: str = "RGB") -> np.ndarray:
    """Equalise the luminance channel of ``space`` (Y of YCrCb, or V of HSV), reading ``img`` as ``order``."""
    to_space, luminance = {"YCrCb": (f"COLOR_{order}2YCrCb", 0), "HSV": (f"COLOR_{order}2HSV", 2)}[space]
    back = getattr(cv2, f"COLOR_{space}2{order}")
    converted = cv2.cvtColor(img, getattr(cv2, to_space))
    converted[..., luminance] = cv2.equalizeHist(np.ascontiguousarray(converted[..., luminance]))
    return cv2.cvtColor(converted, back)


def _histogram_matches(sub, img: np.ndarray) -> None:
    got = sub.call("histogram", img)
    if isinstance(got, np.ndarray) and got.ndim == 1 and len(got) == int(img.max()) + 1 < 256:
        raise CheckFailed(f"histogram(img) has {len(got)} bins, one per level up to the image's brightest "
                          f"({int(img.max())}); expected 256: np.bincount needs minlength=256")
    got = expect.shape(got, (256,), "histogram(img)")
    expect.dtype(got, "iu", "histogram(img)", "an integer dtype (counts)")
    expected = np.bincount(img.ravel(), minlength=256)
    if got.sum() != img.size:
        raise CheckFailed(f"histogram(img) counts {int(got.sum())} pixels, the image has {img.size}")
    expect.close(got, expected, "histogram(img)", rtol=0, atol=0,
                 hint="one bin per grey level 0..255; np.histogram without range=(0, 256) spreads its bins between the image's min and max")


@EXERCISE.check("histogram", points=1)
def histogram_shape_and_counts(sub, ctx: Context):
    """256 integer counts, one per grey level"""
    _histogram_matches(sub, low_contrast_gray(0))


@EXERCISE.check("histogram", points=1)
def histogram_extreme_levels(sub, ctx: Context):
    """levels 0, 254 and 255 are counted in their own bins"""
    img = np.array([[0, 0, 254], [255, 255, 255]], np.uint8)
    _histogram_matches(sub, img)


@EXERCISE.check("histogram", points=1, hidden=True)
def histogram_hidden(sub, ctx: Context):
    """histogram on other images"""
    rng = np.random.default_rng(ctx.seed("histogram"))
    _histogram_matches(sub, rng.integers(0, 256, size=(37, 29), dtype=np.uint8))


def _equalize_matches_opencv(sub, img: np.ndarray, what: str) -> np.ndarray:
    got = expect.shape(sub.call("equalize_hist", img), img.shape, what)
    expect.exact_dtype(got, np.uint8, what)
    expected = cv2.equalizeHist(img)
    diff = np.abs(got.astype(int) - expected.astype(int))
    # OpenCV rounds float32 products; exact ties may round the other way in float64.
    if diff.max() > 1 or np.mean(diff > 0) > 0.02:
        hint = ""
        if got[img == img.min()].max() > 0:
            hint = "; the darkest level should map to 0: subtract cdf_min in numerator and denominator"
        elif got.max() <= 1:
            hint = "; scale the result to 0..255, not 0..1"
        raise CheckFailed(f"{what} differs from cv2.equalizeHist by up to {int(diff.max())} levels "
                          f"on {100 * np.mean(diff > 0):.1f}% of pixels{hint}")
    return got


@EXERCISE.check("equalize", points=1)
def equalize_shape_dtype(sub, ctx: Context):
    """uint8 output with the input's shape"""
    img = low_contrast_gray(1)
    got = expect.shape(sub.call("equalize_hist", img), img.shape, "equalize_hist(img)")
    expect.exact_dtype(got, np.uint8, "equalize_hist(img)")


@EXERCISE.check("equalize", points=2)
def equalize_matches_opencv(sub, ctx: Context):
    """matches cv2.equalizeHist on low-contrast photos"""
    # A quarter of the pixels at the darkest level: forgetting cdf_min then lifts the black point a lot.
    dark_background = low_contrast_gray(4)
    dark_background[: dark_background.shape[0] // 4] = dark_background.min()
    _equalize_matches_opencv(sub, dark_background, "equalize_hist(img with a dark background)")
    img = low_contrast_gray(1)
    got = _equalize_matches_opencv(sub, img, "equalize_hist(img)")
    return f"output range {got.min()}..{got.max()} (input {img.min()}..{img.max()})"


@EXERCISE.check("equalize", points=1)
def equalize_constant_image(sub, ctx: Context):
    """an image of a single grey level comes back unchanged"""
    img = np.full((8, 8), 77, np.uint8)
    got = expect.shape(sub.call("equalize_hist", img), img.shape, "equalize_hist(constant image)")
    if not np.array_equal(got, img):
        raise CheckFailed("equalize_hist(constant image) changed the image; with one level, "
                          "N - cdf_min is 0: return the input unchanged instead of dividing by zero")


@EXERCISE.check("equalize", points=2, hidden=True)
def equalize_hidden(sub, ctx: Context):
    """equalisation on other images, sizes and level sets"""
    seed = ctx.seed("equalize")
    rng = np.random.default_rng(seed)
    _equalize_matches_opencv(sub, low_contrast_gray(seed % 1000, (33, 57)), "equalize_hist")
    sparse = rng.choice(np.array([3, 40, 41, 200], np.uint8), size=(20, 20))  # few levels, gaps
    _equalize_matches_opencv(sub, sparse, "equalize_hist")


@EXERCISE.check("color", points=1)
def color_shape_dtype(sub, ctx: Context):
    """uint8 RGB output with the input's shape"""
    img = color_image(0)
    got = expect.shape(sub.call("equalize_color", img), img.shape, "equalize_color(img)")
    expect.exact_dtype(got, np.uint8, "equalize_color(img)")


def _max_diff(a: np.ndarray, b: np.ndarray) -> int:
    return int(np.abs(a.astype(int) - b.astype(int)).max())


def _color_matches(sub, img: np.ndarray) -> str:
    """Equalising Y of YCrCb or V of HSV (both named in the lesson) passes, within 3 levels of rounding."""
    got = expect.shape(sub.call("equalize_color", img), img.shape, "equalize_color(img)")
    diffs = {space: _max_diff(got, reference_color(img, space)) for space in ("YCrCb", "HSV")}
    space = min(diffs, key=diffs.get)
    if diffs[space] <= 3:
        return f"luminance ({'Y of YCrCb' if space == 'YCrCb' else 'V of HSV'}) equalised; max difference {diffs[space]} levels"
    hue_shift = _mean_hue_shift(img, got)
    if min(_max_diff(got, reference_color(img, s, "BGR")) for s in diffs) <= 3:
        hint = "the image was read as BGR: the input is RGB, convert with cv2.COLOR_RGB2YCrCb (or COLOR_RGB2HSV)"
    elif hue_shift > _mean_hue_shift(img, reference_color(img)) + 2:
        hint = "equalise only the luminance (Y of YCrCb, or V of HSV): equalising R, G and B separately shifts the hues"
    else:
        hint = "convert RGB to YCrCb (or HSV), equalise only Y (or V) with your equalize_hist, and convert back"
    raise CheckFailed(f"equalize_color(img) differs from equalising the luminance by up to {diffs[space]} levels "
                      f"(mean hue shift {hue_shift:.1f} degrees); {hint}")


def _mean_hue_shift(before: np.ndarray, after: np.ndarray) -> float:
    h0 = cv2.cvtColor(before, cv2.COLOR_RGB2HSV)[..., 0].astype(float) * 2
    h1 = cv2.cvtColor(after, cv2.COLOR_RGB2HSV)[..., 0].astype(float) * 2
    d = np.abs(h0 - h1)
    return float(np.mean(np.minimum(d, 360 - d)))


@EXERCISE.check("color", points=2)
def color_luminance_only(sub, ctx: Context):
    """equalises luminance and keeps the hues"""
    return _color_matches(sub, color_image(0))


@EXERCISE.check("color", points=1, hidden=True)
def color_hidden(sub, ctx: Context):
    """colour equalisation on other images"""
    _color_matches(sub, color_image(ctx.seed("color") % 1000, size=40))
