"""Grader for product_retouching (002 #3, #13, #16, #26): gray world, white balance on the backdrop,
a learned product segmenter, and the retouching pipeline.

The pixel-wise parts are compared with the grader's own NumPy formulas. The learned parts are judged
on outcomes the grader measures on photos the segmenter never saw (fixtures.product_retouching,
"test" split), against the clean targets and masks only the grader holds: the segmentation's IoU,
how white and uniform the retouched backdrop is, the colour error on the product (against the
photo's and against gray-world's), and the product's SSIM. See THRESHOLDS.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from fixtures import product_retouching

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..metrics import mask_iou, ssim

EXERCISE = Exercise("product_retouching")

N_TRAIN = 512            # training photos handed to train_segmenter
N_HELDOUT = 48           # held-out photos the grader retouches
STEPS = 300              # training budget: about 1-2 s of CPU for the reference
MAX_PARAMS = 20_000
# THRESHOLDS, measured on 48 held-out photos with 300 steps (reference, 6 salts per track):
# IoU 0.989..0.997 (torch), 0.996..0.999 (tf); trained on inverted labels 0.0003. Colour error on the
# product interior 0.0078 on every salt (the photo's 0.0318, gray-world's 0.0156, gray world inside
# the mask 0.0157, a cut-out without white balance 0.0318). Backdrop mean 1.000, std 0.000 (no
# compositing: mean 0.649). Product SSIM 0.954..0.970 (with the notebooks' salt too); an untouched
# photo scores 0.925, so the SSIM check only catches blurring or redrawing (a 3x3 box blur fails it);
# the colour and backdrop checks catch the rest.
MIN_IOU = 0.9
MAX_ERROR_VS_GRAY_WORLD = 0.75   # colour error at most 0.75x gray-world's ...
MAX_ERROR_VS_PHOTO = 0.6         # ... and at most 0.6x the photo's
MIN_BACKDROP_MEAN, MAX_BACKDROP_STD = 0.97, 0.03
MIN_PRODUCT_SSIM = 0.88
# Grader truth (graders.integrity): train_segmenter's optimizer steps are counted (exactly STEPS); its
# returned losses are format only, the point is for the grader's own binary cross-entropy of the logits
# on training photos, which must fall below LOSS_FACTOR of its start (references, 5 salts per track:
# 0.65..0.82 -> 0.002..0.007). Model dependence: with every trained weight set to zero, a network's
# output is constant, so the held-out IoU must fall to that of an all-product mask (0.32 here) plus
# ZEROED_MARGIN; a classical segmenter switched on after training (saturation relative to the backdrop:
# IoU 1.00, tests/mutants/product_retouching/segmenter_rule_after_training_*) keeps its IoU. (Shuffled
# weights, the usual probe, left the references at 0.00..0.37 but a longer-trained honest model at 0.55.)
LOSS_FACTOR = 0.5
ZEROED_MARGIN = 0.05
N_PROBE = 64             # training photos the grader measures the cross-entropy on


# -- shared helpers ----------------------------------------------------------------------------------

def _call_images(sub, name: str, args: tuple, shape_nhwc: tuple, what: str) -> np.ndarray:
    out = expect.shape(sub.call(name, *args), to_layout(np.zeros(shape_nhwc), sub.layout).shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _t(x_nhwc: np.ndarray, layout: str) -> np.ndarray:
    return to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), layout)


def _gray_world(x: np.ndarray) -> np.ndarray:
    means = x.mean(axis=(1, 2), keepdims=True)
    return np.clip(x * means.mean(axis=3, keepdims=True) / means, 0, 1)


def _white_balance(x: np.ndarray, background: np.ndarray) -> np.ndarray:
    colour = (x * background).sum(axis=(1, 2), keepdims=True) / background.sum(axis=(1, 2), keepdims=True)
    return np.clip(x * colour.mean(axis=3, keepdims=True) / colour, 0, 1)


def _regions(masks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Product interior (2 px in from the edge) and backdrop (1 px out): colour and backdrop are judged
    away from the edge, whose pixels mix both."""
    inner = np.stack([ndimage.binary_erosion(m, iterations=2) for m in masks])
    outer = np.stack([~ndimage.binary_dilation(m, iterations=1) for m in masks])
    return inner, outer


def _colour_error(x: np.ndarray, clean: np.ndarray, inner: np.ndarray) -> float:
    """Per product, the median over its interior pixels of the mean absolute RGB error; averaged over
    products. The median judges the colours, not a few mis-segmented pixels (the IoU and SSIM checks do)."""
    error = np.abs(x - clean).mean(axis=-1)
    return float(np.mean([np.median(e[m]) for e, m in zip(error, inner)]))


def _product_ssim(x: np.ndarray, clean: np.ndarray, masks: np.ndarray) -> float:
    """Mean SSIM over each product's bounding box (at least 12 px a side by the fixture's design)."""
    scores = []
    for xi, ci, m in zip(x, clean, masks):
        ys, xs = np.nonzero(m)
        box = (slice(ys.min(), ys.max() + 1), slice(xs.min(), xs.max() + 1))
        scores.append(ssim(xi[box][None], ci[box][None], 1.0))
    return float(np.mean(scores))


# -- part 1: gray_world ----------------------------------------------------------------------------

def _check_pixelwise(got: np.ndarray, expected: np.ndarray, what: str, candidates: dict[str, np.ndarray], hint: str):
    if np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        return
    for text, candidate in candidates.items():
        if np.allclose(got, candidate, rtol=1e-4, atol=1e-4):
            hint = text
            break
    expect.close(got, expected, what, rtol=1e-4, atol=1e-4, hint=hint)


def _check_gray_world(sub, x: np.ndarray, what: str) -> np.ndarray:
    x = np.asarray(x, np.float32).astype(np.float64)
    got = _call_images(sub, "gray_world", (_t(x, sub.layout),), x.shape, what)
    means = x.mean(axis=(1, 2), keepdims=True)
    batch_means = x.mean(axis=(0, 1, 2), keepdims=True)
    _check_pixelwise(got, _gray_world(x), what, {
        "the channel means are taken over the whole batch: take them per image (over H and W only)":
            np.clip(x * batch_means.mean() / batch_means, 0, 1),
        "the gains are inverted: multiply by (mean of the channel means) / (channel mean), which lifts the weak channels":
            np.clip(x * means / means.mean(axis=3, keepdims=True), 0, 1),
        "clip the result to [0, 1]": x * means.mean(axis=3, keepdims=True) / means,
    }, "multiply each channel by (mean of the three channel means) / (its own mean), per image, then clip")
    return got


@EXERCISE.check("gray_world", points=2)
def gray_world_values(sub, ctx: Context):
    """per image, each channel scaled so the three channel means become equal"""
    _check_gray_world(sub, product_retouching.photos(6, "test", seed=1).photos, "gray_world(6 product photos)")


@EXERCISE.check("gray_world", points=1, hidden=True)
def gray_world_other_images(sub, ctx: Context):
    """other sizes and colours; a grey image stays as it is"""
    rng = np.random.default_rng(ctx.seed("gray_world"))
    x = rng.uniform(0.05, 0.9, (3, 20, 28, 3)) * rng.uniform(0.4, 1.0, (3, 1, 1, 3))
    _check_gray_world(sub, x, "gray_world")
    grey = np.repeat(rng.uniform(0.2, 0.8, (2, 12, 12, 1)), 3, axis=3)
    got = _check_gray_world(sub, grey, "gray_world on grey images")
    if not np.allclose(got, grey, atol=1e-5):
        raise CheckFailed("gray_world changed a grey image")


# -- part 2: white_balance ---------------------------------------------------------------------------

def _check_white_balance(sub, x: np.ndarray, background: np.ndarray, what: str) -> np.ndarray:
    x = np.asarray(x, np.float32).astype(np.float64)
    background = np.asarray(background, np.float32).astype(np.float64)[..., None]
    got = _call_images(sub, "white_balance", (_t(x, sub.layout), _t(background, sub.layout)), x.shape, what)
    colour = (x * background).sum(axis=(1, 2), keepdims=True) / background.sum(axis=(1, 2), keepdims=True)
    _check_pixelwise(got, _white_balance(x, background), what, {
        "the gains come from the whole image (gray world): average the colour over the backdrop only, "
        "weighting each pixel by `background`": _gray_world(x),
        "the colour is averaged over the product (weights 1 - background): average it over the backdrop":
            _white_balance(x, 1.0 - background),
        "the gains are inverted: multiply by mean(c) / c, which makes the backdrop neutral":
            np.clip(x * colour / colour.mean(axis=3, keepdims=True), 0, 1),
    }, "c = sum(background * x) / sum(background) per image and channel, then x * mean(c) / c, clipped")
    return got


@EXERCISE.check("white_balance", points=2)
def white_balance_values(sub, ctx: Context):
    """gains from the backdrop's weighted mean colour"""
    data = product_retouching.photos(6, "test", seed=1)
    _check_white_balance(sub, data.photos, ~data.masks, "white_balance(6 photos, their true backdrop)")


@EXERCISE.check("white_balance", points=1)
def white_balance_removes_cast(sub, ctx: Context):
    """with the true backdrop, the product's colours come back"""
    data = product_retouching.photos(N_HELDOUT, "test", seed=2)
    balanced = _check_white_balance(sub, data.photos, ~data.masks, "white_balance(photos, true backdrop)")
    inner, _ = _regions(data.masks)
    error, before = _colour_error(balanced, data.clean, inner), _colour_error(data.photos, data.clean, inner)
    expect.at_most(error, 0.5 * before, "colour error on the product after white balance")
    return f"colour error on the product {before:.3f} -> {error:.3f}"


@EXERCISE.check("white_balance", points=1, hidden=True)
def white_balance_soft_weights(sub, ctx: Context):
    """soft backdrop weights and other sizes"""
    rng = np.random.default_rng(ctx.seed("white_balance"))
    x = rng.uniform(0.05, 0.9, (3, 18, 26, 3)) * rng.uniform(0.5, 1.0, (3, 1, 1, 3))
    _check_white_balance(sub, x, rng.uniform(0.0, 1.0, (3, 18, 26)), "white_balance with soft weights")


# -- part 3: segmenter -------------------------------------------------------------------------------

def _logits(sub, model, photos_nhwc: np.ndarray, what: str) -> np.ndarray:
    n, h, w, _ = photos_nhwc.shape
    out = expect.shape(sub.predict(model, _t(photos_nhwc, sub.layout)), to_layout(np.zeros((n, h, w, 1)), sub.layout).shape,
                       what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout)[..., 0].astype(np.float64)


def _trained(sub, ctx: Context):
    """Train the student's segmenter once per grading run, with the student's train_segmenter."""
    def train():
        seed = ctx.seed("train") % 10_000
        data = product_retouching.photos(N_TRAIN, "train", seed=seed % 7)
        model = sub.call("build_segmenter", seed)
        before = sub.get_weights(model)
        probe = data.photos[:N_PROBE], data.masks[:N_PROBE]
        bce_before = _bce(_logits(sub, model, probe[0], "the segmenter's logits"), probe[1])
        returned, steps_taken = integrity.train_counting_steps(
            sub, "train_segmenter", model, _t(data.photos, sub.layout), _t(data.masks[..., None], sub.layout), STEPS, seed)
        losses = model_checks.loss_history(returned, STEPS, f"train_segmenter(model, photos, masks, steps={STEPS}, seed)")
        trained = sub.get_weights(model)
        expect.weights_changed(before, trained, "train_segmenter")
        bce_after = _bce(_logits(sub, model, probe[0], "the trained segmenter's logits"), probe[1])
        heldout = product_retouching.photos(N_HELDOUT, "test", seed=3)
        # Zeroed rather than shuffled weights: this segmenter is so small that its shuffled weights can keep
        # some of the mask (a longer-trained honest model kept IoU 0.55); with every weight zero any network's
        # output is constant, so its IoU is 0 or that of an all-product mask.
        zeroed_iou = integrity.with_weights(sub, model, [np.zeros_like(w) for w in trained],
                                            lambda: _iou(sub, model, heldout))
        return {"model": model, "losses": losses, "steps_taken": steps_taken, "bce": (bce_before, bce_after),
                "zeroed_iou": zeroed_iou, "all_product_iou": mask_iou(np.ones_like(heldout.masks), heldout.masks)}
    return ctx.memo("trained", train)


def _from_the_weights(iou: float, zeroed_iou: float, limit: float) -> str:
    """Like integrity.from_the_model, for the zeroed-weights probe (a candidate shared helper)."""
    if not zeroed_iou <= limit:
        raise CheckFailed(f"held-out IoU is {iou:.4g} and still {zeroed_iou:.4g} after the grader set every weight of the "
                          f"model to zero (a network's output is then constant: at most {limit:.4g}): the output does not "
                          "come from the model's weights. It must be the model's forward pass, not a lookup, a classical "
                          "rule or anything switched on after training")
    return f"held-out IoU {zeroed_iou:.4g} with the weights zeroed"


def _bce(logits: np.ndarray, masks: np.ndarray) -> float:
    """Mean binary cross-entropy of sigmoid(logits) against the masks, in float64 (stable form)."""
    z, y = np.asarray(logits, np.float64), np.asarray(masks, np.float64)
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def _iou(sub, model, data) -> float:
    return mask_iou(_logits(sub, model, data.photos, "the trained segmenter's logits") > 0.0, data.masks)


@EXERCISE.check("segment", points=1)
def segmenter_shape(sub, ctx: Context):
    """one logit per pixel, (N, 1, H, W) NCHW / (N, H, W, 1) NHWC, for any photo size"""
    model = sub.call("build_segmenter", 0)
    _logits(sub, model, product_retouching.photos(4, "test", seed=0).photos, "build_segmenter(0) on 4 photos of 32x32")
    x = np.random.default_rng(0).uniform(0, 1, (2, 24, 40, 3))
    _logits(sub, model, x, "build_segmenter(0) on 2 photos of 24x40")


@EXERCISE.check("segment", points=1)
def segmenter_small_and_seeded(sub, ctx: Context):
    """a small model whose initial weights depend on the seed only"""
    return f"{model_checks.small_and_seeded(sub, 'build_segmenter', MAX_PARAMS)} parameters"


@EXERCISE.check("segment", points=2)
def segmenter_heldout_iou(sub, ctx: Context):
    """trained on the training photos, it finds the product in photos it never saw (IoU)"""
    r = _trained(sub, ctx)
    iou = _iou(sub, r["model"], product_retouching.photos(N_HELDOUT, "test", seed=3))
    note = expect.at_least(iou, MIN_IOU, "held-out IoU of sigmoid(logits) > 0.5",
                           "train with binary_cross_entropy_with_logits against the masks (1 = product: positive "
                           "logits on the product), for the full number of steps")
    zeroed = _from_the_weights(iou, r["zeroed_iou"], r["all_product_iou"] + ZEROED_MARGIN)
    fall = integrity.measured_fall(*r["bce"], "the cross-entropy the grader measures on training photos",
                                   factor=LOSS_FACTOR)
    budget = integrity.within_budget(r["steps_taken"], STEPS, f"train_segmenter(..., steps={STEPS})")
    return f"{note}; {zeroed}; {fall}; {budget}"


@EXERCISE.check("segment", points=1, hidden=True)
def segmenter_other_photos(sub, ctx: Context):
    """IoU on other held-out photos"""
    model = _trained(sub, ctx)["model"]
    iou = _iou(sub, model, product_retouching.photos(N_HELDOUT, "test", seed=ctx.seed("segment_heldout") % 1000 + 10))
    expect.at_least(iou, MIN_IOU, "held-out IoU")


# -- part 4: retouch ---------------------------------------------------------------------------------

def _retouched(sub, ctx: Context, seed: int):
    model = _trained(sub, ctx)["model"]
    data = product_retouching.photos(N_HELDOUT, "test", seed=seed)
    out = _call_images(sub, "retouch", (model, _t(data.photos, sub.layout)), data.photos.shape, "retouch(model, photos)")
    expect.in_range(out, 0.0, 1.0, "retouch(model, photos)", "clip the white-balanced photo before compositing")
    return data, out


def _check_backdrop(out: np.ndarray, outer: np.ndarray) -> str:
    backdrop = out[outer]
    mean, std = float(backdrop.mean()), float(backdrop.std())
    if mean < MIN_BACKDROP_MEAN:
        raise CheckFailed(f"the retouched backdrop is not white: mean {mean:.3f} on pixels 1 px away from the product "
                          f"(needs >= {MIN_BACKDROP_MEAN}); composite onto white: m * balanced + (1 - m), with m the "
                          "product probability (not the backdrop's)")
    if std > MAX_BACKDROP_STD:
        raise CheckFailed(f"the retouched backdrop is not uniform: std {std:.3f} (needs <= {MAX_BACKDROP_STD}): the mask "
                          "leaves backdrop pixels or dust in place")
    return f"backdrop mean {mean:.3f}, std {std:.3f}"


def _check_colour(data, out: np.ndarray, inner: np.ndarray) -> str:
    error = _colour_error(out, data.clean, inner)
    photo = _colour_error(data.photos, data.clean, inner)
    gray = _colour_error(_gray_world(data.photos.astype(np.float64)), data.clean, inner)
    table = f"photo {photo:.4f}, gray world {gray:.4f}, yours {error:.4f}"
    if not error <= MAX_ERROR_VS_PHOTO * photo:
        raise CheckFailed(f"the colour cast is still there: mean colour error on the product {table}; needs at most "
                          f"{MAX_ERROR_VS_PHOTO}x the photo's. White-balance with the backdrop weights 1 - m before compositing")
    if not error <= MAX_ERROR_VS_GRAY_WORLD * gray:
        raise CheckFailed(f"the product's colours are not better than gray world's: mean colour error {table}; needs at "
                          f"most {MAX_ERROR_VS_GRAY_WORLD}x gray world's. Estimate the cast from the backdrop (white_balance "
                          "with weights 1 - m), and keep the product pixels (m close to 1 inside it)")
    return f"colour error on the product: {table}"


@EXERCISE.check("retouch", points=1)
def retouch_backdrop(sub, ctx: Context):
    """the backdrop becomes white and uniform"""
    data, out = ctx.memo("retouch/public", lambda: _retouched(sub, ctx, 4))
    return _check_backdrop(out, _regions(data.masks)[1])


@EXERCISE.check("retouch", points=2)
def retouch_colour(sub, ctx: Context):
    """the product's colours are corrected, better than gray world"""
    data, out = ctx.memo("retouch/public", lambda: _retouched(sub, ctx, 4))
    return _check_colour(data, out, _regions(data.masks)[0])


@EXERCISE.check("retouch", points=1)
def retouch_structure(sub, ctx: Context):
    """the product keeps its structure (SSIM over its bounding box)"""
    data, out = ctx.memo("retouch/public", lambda: _retouched(sub, ctx, 4))
    score = _product_ssim(out, data.clean, data.masks)
    before = _product_ssim(data.photos, data.clean, data.masks)
    return expect.at_least(score, MIN_PRODUCT_SSIM, f"product SSIM (the photo's {before:.3f})",
                           "change the product's pixels only by the white-balance gains; do not blur or redraw them")


@EXERCISE.check("retouch", points=1, hidden=True)
def retouch_other_photos(sub, ctx: Context):
    """backdrop, colours and structure on other photos"""
    data, out = _retouched(sub, ctx, ctx.seed("retouch") % 1000 + 10)
    inner, outer = _regions(data.masks)
    _check_backdrop(out, outer)
    _check_colour(data, out, inner)
    expect.at_least(_product_ssim(out, data.clean, data.masks), MIN_PRODUCT_SSIM, "product SSIM")
