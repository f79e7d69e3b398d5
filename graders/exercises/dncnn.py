"""Grader for dncnn (002 #8, #17, #21, #27): blind noise, a noise-predicting network, denoising, training.

Residual learning is checked where it shows: the model's raw output is compared with the noise the
grader added (it must correlate with the noise, not with the image), and `denoise` is compared with
`clip(noisy - model(noisy), 0, 1)` computed by the grader from the same model's forward pass. The
training part is judged on outcomes the grader measures itself: it builds the student's model, trains
it with the student's `train_dncnn` on product shots (fixtures.dncnn) with noise levels drawn from
SIGMA_RANGE, then, on shots of other seeds and at several noise levels, subtracts the model's output
from the noisy input and compares the PSNR (graders.metrics, data range 1) with the best Gaussian
filter of each level (its width picked with hindsight). See MIN_GAIN_OVER_FILTER and
MIN_NOISE_CORRELATION for the measured margins.
"""
from __future__ import annotations

import numpy as np
from scipy import ndimage

from fixtures.dncnn import product_shots

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..metrics import psnr

EXERCISE = Exercise("dncnn")

SIZE = 32                # held-out shots (and most inputs): 32x32 grey
TRAIN_SIZE = 24          # training patches: a 5-layer DnCNN sees 11x11 pixels, 24x24 is plenty and cheap
N_TRAIN = 512            # clean training patches handed to train_dncnn
N_HELDOUT = 64           # held-out shots per noise level
STEPS = 250              # training budget: about 2.5 s (torch) / 6 s (tf) of CPU per run for the reference
SIGMA_RANGE = [0.05, 0.3]                 # noise stds the model is trained on (about 13/255 to 77/255)
PUBLIC_LEVELS = (0.1, 0.2, 0.3)           # measured in the public check, on one held-out set
HIDDEN_LEVELS = (0.15, 0.25, 0.3)         # measured in the hidden check, on another held-out set
# PSNR gain of the DnCNN output over the best Gaussian filter of the same noisy shots (its width picked
# per level with hindsight). Measured by this grader's train_and_measure, 250 steps, 6 seeds per track
# for the references, 3 or 4 for the variants (public and hidden levels):
#   reference torch  +2.5..+4.2 dB at 0.1-0.15, +2.2..+3.1 at 0.2, +1.5..+2.2 at 0.25, +0.5..+1.4 at 0.3;
#   reference tf     +3.4..+4.8 dB at 0.1-0.15, +2.7..+3.4 at 0.2, +1.9..+2.5 at 0.25, +0.7..+1.3 at 0.3;
#   BatchNorm DnCNN (torch alternative) +1.2..+1.8 at 0.25, +0.2..+0.9 at 0.3;
#   trained at the one sigma 0.05 (range start): +0.3..+2.3 at 0.1, -1.8..-3.2 at 0.15, -4.1..-5.0 at
#   0.2, -6.7..-7.6 at 0.3;
#   trained to output the clean image (then subtracted as noise): -15..-20 dB everywhere.
# The end of the training range (0.3) is where this tiny model is weakest, hence the lower bar there.
# NOT caught: a model trained at the one sigma 0.175 (the range's middle) gains as much at 0.1-0.2 and
# -0.15..-1.0 dB at 0.3 (prototype runs, 6 seeds, torch): too close to the reference's +0.5..+1.4 for
# a robust threshold at this training budget.
MIN_GAIN_OVER_FILTER = {"inside": 0.0, "end": -1.0}  # levels below the range's end / at its end
# Correlation of the model's raw output with the noise the grader added (held-out shots, sigma 0.2 /
# 0.25): the reference 0.95..0.96 (both tracks, 6 seeds); a model trained to output the clean image
# (subtracted as if it were the noise) 0.13..0.19, while it correlates 0.92..0.95 with the clean image;
# one trained at sigma 0.05 only, 0.66..0.84 (caught by the PSNR check instead).
MIN_NOISE_CORRELATION = 0.7
BLUR_WIDTHS = np.round(np.arange(0.3, 2.51, 0.1), 2)
MAX_PARAMS = 50_000      # keeps grading within a few seconds
# Model dependence at sigma 0.2 (graders.integrity): with the values inside every weight tensor shuffled,
# subtracting the model's output must stop beating the noisy input: references (6 salts per track)
# +8.4..+10.1 dB over the noisy input, -3.2..-0.02 dB with shuffled weights. A classical denoiser switched
# on after training (total variation: 29 / 24 / 21.5 dB at sigma 0.1 / 0.2 / 0.3, above the Gaussian
# filter) keeps its whole +9.6 dB. The grader's own noise-MSE on held-out shots must fall below 0.8x its
# start (references 0.08..0.12x; the one-sigma mutant 0.55x, caught by the filter comparison).
MAX_SHUFFLED_GAIN_DB = 2.0


# -- part 1: add_blind_noise ---------------------------------------------------------------------

def _call_noise(sub, x_nhwc: np.ndarray, sigma_range: list[float], seed: int, what: str) -> np.ndarray:
    """Call add_blind_noise on NHWC images (converted to the track's layout); return NHWC float64."""
    x = to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), sub.layout)
    out = sub.call("add_blind_noise", x, [float(s) for s in sigma_range], int(seed))
    out = expect.shape(out, x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _noise_statistics(sub, sigma_range: list[float], seed: int, n: int, h: int, w: int, what: str) -> str:
    """Noise on mid-grey images: per image zero mean and one std in sigma_range, spread over the range;
    Gaussian; independent across images and pixels."""
    lo, hi = sigma_range
    level = 0.5
    x = np.full((n, h, w, 1), level, np.float32)
    noise = _call_noise(sub, x, sigma_range, seed, what)[..., 0] - level
    flat = noise.reshape(n, -1)
    stds = flat.std(axis=1)
    if stds.max() < 1e-6:
        raise CheckFailed(f"{what} returned the images unchanged; add sigma_i * N(0, 1) noise")
    z = (flat - flat.mean(axis=1, keepdims=True)) / (stds[:, None] + 1e-12)
    across_images = float(np.max(np.abs(z[1:] @ z[0] / z.shape[1])))
    if across_images > 0.3:
        raise CheckFailed(f"{what}: images 0 and k of the batch got the same noise pattern (correlation up to "
                          f"{across_images:.2f}); draw noise of the full batch shape, independently for every image")
    tol = 4.0 / np.sqrt(h * w)  # relative sampling error of one image's std, about 4 standard errors
    if not (stds.min() >= lo * (1 - tol) and stds.max() <= hi * (1 + tol)):
        hint = "each image's noise std must lie in sigma_range"
        if stds.max() <= hi**2 * (1 + tol):
            hint = "sigma is the standard deviation, not the variance: multiply N(0, 1) noise by sigma, not sigma**2"
        elif stds.max() <= hi / np.sqrt(3) * (1 + tol) and stds.min() >= lo / np.sqrt(3) * (1 - tol):
            hint = "that is the spread of uniform noise: draw Gaussian noise (randn / normal), not rand / uniform"
        raise CheckFailed(f"{what}: per-image noise stds range {stds.min():.4f}..{stds.max():.4f}, expected within "
                          f"sigma_range [{lo:g}, {hi:g}]; {hint}")
    spread = float(stds.std())
    expected_spread = (hi - lo) / np.sqrt(12)  # std of Uniform(lo, hi)
    if spread < 0.5 * expected_spread:
        raise CheckFailed(f"{what}: every image got (about) the same noise level (stds {stds.min():.4f}..{stds.max():.4f}); "
                          "draw one sigma per IMAGE, uniformly in sigma_range, so one model learns every level")
    if not (stds.min() <= lo + 0.25 * (hi - lo) and stds.max() >= hi - 0.25 * (hi - lo)):
        raise CheckFailed(f"{what}: per-image noise stds {stds.min():.4f}..{stds.max():.4f} do not cover "
                          f"sigma_range [{lo:g}, {hi:g}]; draw sigma_i = lo + (hi - lo) * U(0, 1)")
    means = flat.mean(axis=1)
    if np.max(np.abs(means) / stds * np.sqrt(h * w)) > 5.0:
        raise CheckFailed(f"{what}: the noise has a non-zero mean (up to {float(np.max(np.abs(means))):+.4f} in one "
                          "image); add zero-mean Gaussian noise")
    excess_kurtosis = float(np.mean(z**4) - 3)
    if abs(excess_kurtosis) > 0.3:
        raise CheckFailed(f"{what}: the noise is not Gaussian (excess kurtosis {excess_kurtosis:+.2f}, a Gaussian has 0); "
                          "draw it with randn / normal, not rand / uniform, and do not clip it")
    neighbours = float(np.mean(z[:, 1:] * z[:, :-1]))
    if abs(neighbours) > 0.1:
        raise CheckFailed(f"{what}: neighbouring pixels have correlated noise ({neighbours:.2f}); "
                          "white noise is drawn independently for every pixel")
    return f"per-image noise stds {stds.min():.3f}..{stds.max():.3f} for sigma_range [{lo:g}, {hi:g}]"


@EXERCISE.check("add_blind_noise", points=1)
def noise_shape_unclipped(sub, ctx: Context):
    """same shape as the input, float, and not clipped"""
    x = np.concatenate([np.zeros((2, SIZE, SIZE, 1)), np.ones((2, SIZE, SIZE, 1)),
                        product_shots(4, SIZE, seed=3)[..., None]]).astype(np.float32)
    what = "add_blind_noise(images, [0.05, 0.3], 11)"
    out = _call_noise(sub, x, [0.05, 0.3], 11, what)
    if np.array_equal(out, x.astype(np.float64)):
        raise CheckFailed(f"{what} returned the images unchanged; add sigma_i * N(0, 1) noise")
    if out[:2].min() >= 0.0 or out[2:4].max() <= 1.0:
        raise CheckFailed(f"{what}: on black and white images the noisy values stay in [0, 1] "
                          f"({out.min():.2f}..{out.max():.2f}): do not clip the noisy images; residual learning needs "
                          "noisy - clean to be exactly the Gaussian noise")
    return f"range {out.min():.2f}..{out.max():.2f} (not clipped)"


@EXERCISE.check("add_blind_noise", points=2)
def noise_per_image_sigma(sub, ctx: Context):
    """zero-mean Gaussian noise, one std per image spread over sigma_range"""
    return _noise_statistics(sub, [0.05, 0.3], 5, 64, SIZE, SIZE, "add_blind_noise(64 mid-grey images, [0.05, 0.3], 5)")


@EXERCISE.check("add_blind_noise", points=1)
def noise_is_seeded(sub, ctx: Context):
    """the same seed gives the same noise, another seed other noise"""
    x = np.full((4, SIZE, SIZE, 1), 0.5, np.float32)
    sub.seed(1)
    a = _call_noise(sub, x, [0.05, 0.3], 7, "add_blind_noise(images, [0.05, 0.3], seed=7)")
    sub.seed(2)  # another global RNG state: the result must depend on `seed` only
    b = _call_noise(sub, x, [0.05, 0.3], 7, "add_blind_noise(images, [0.05, 0.3], seed=7)")
    if not np.allclose(a, b, rtol=0, atol=1e-6):
        raise CheckFailed("add_blind_noise(images, [0.05, 0.3], seed=7) gave different noise on a second call with the "
                          "same seed: draw the sigmas and the noise from a generator seeded with `seed`, not from the "
                          "global RNG")
    c = _call_noise(sub, x, [0.05, 0.3], 8, "add_blind_noise(images, [0.05, 0.3], seed=8)")
    if np.allclose(a, c, rtol=0, atol=1e-6):
        raise CheckFailed("add_blind_noise gave the same noise for seeds 7 and 8: use the `seed` argument")


@EXERCISE.check("add_blind_noise", points=1, hidden=True)
def noise_other_inputs(sub, ctx: Context):
    """noise on other shapes, noise ranges and seeds"""
    seed = ctx.seed("add_blind_noise")
    rng = np.random.default_rng(seed)
    lo = float(rng.uniform(0.02, 0.1))
    sigma_range = [lo, float(lo + rng.uniform(0.1, 0.3))]
    _noise_statistics(sub, sigma_range, seed % 100_000, 48, 40, 56, "add_blind_noise")
    x = product_shots(3, 40, seed=seed % 1000)[..., None]
    a = _call_noise(sub, x, sigma_range, seed % 100_000 + 1, "add_blind_noise")
    b = _call_noise(sub, x, sigma_range, seed % 100_000 + 1, "add_blind_noise")
    if not np.allclose(a, b, rtol=0, atol=1e-6):
        raise CheckFailed("add_blind_noise is not deterministic for a given seed")


# -- part 2: build_dncnn -------------------------------------------------------------------------

def _forward(sub, model, x_nhwc: np.ndarray, what: str) -> np.ndarray:
    """The model's raw output (inference mode) on NHWC images; checks shape, dtype, finiteness."""
    x = to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), sub.layout)
    out = expect.array(sub.predict(model, x), what)
    if out.ndim == 4 and out.shape != x.shape and out.shape[0] == x.shape[0]:
        spatial = (2, 3) if sub.layout == "NCHW" else (1, 2)
        if all(out.shape[i] == x.shape[i] for i in range(4) if i not in spatial):
            raise CheckFailed(f"{what}: expected shape {x.shape} ({sub.layout}), got {out.shape}: the output must keep "
                              "the input's size; pad every 3x3 convolution by 1 (padding=1 / padding=\"same\") and "
                              "use no stride or pooling")
    out = expect.shape(out, x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _noisy(clean: np.ndarray, sigma: float, seed: int) -> np.ndarray:
    """The grader's own unclipped Gaussian noise, float32."""
    return (clean + sigma * np.random.default_rng(seed).standard_normal(clean.shape)).astype(np.float32)


@EXERCISE.check("build", points=1)
def output_shape(sub, ctx: Context):
    """maps (N, 1, 32, 32) NCHW / (N, 32, 32, 1) NHWC images to the same shape"""
    model = sub.call("build_dncnn", 0)
    x = _noisy(product_shots(8, SIZE, seed=0)[..., None], 0.1, 1)
    out = _forward(sub, model, x, "build_dncnn(0) applied to 8 noisy 32x32 images")
    return f"output shape {to_layout(out, sub.layout).shape} ({sub.layout})"


@EXERCISE.check("build", points=1)
def unbounded_output(sub, ctx: Context):
    """the output (a noise estimate) can be negative and positive: no output activation"""
    model = sub.call("build_dncnn", 0)
    rng = np.random.default_rng(0)
    x = rng.uniform(-10, 10, (8, SIZE, SIZE, 1)).astype(np.float32)
    out = _forward(sub, model, x, "build_dncnn(0) applied to inputs in [-10, 10]")
    if not (out.min() < 0.0 < out.max()):
        raise CheckFailed(f"the model's output stays in [{out.min():.3g}, {out.max():.3g}] on inputs in [-10, 10]: it "
                          "estimates the NOISE, which is negative as often as positive; end with a plain Conv, no "
                          "sigmoid, ReLU or other activation after it")
    return f"output range {out.min():.3g}..{out.max():.3g}"


@EXERCISE.check("build", points=1)
def small_and_seeded(sub, ctx: Context):
    """a small model whose initial weights depend on the seed only"""
    return f"{model_checks.small_and_seeded(sub, 'build_dncnn', MAX_PARAMS)} parameters"


@EXERCISE.check("build", points=1, hidden=True)
def other_sizes(sub, ctx: Context):
    """other batch and odd image sizes (fully convolutional, same size out)"""
    seed = ctx.seed("build")
    model = sub.call("build_dncnn", seed % 10_000)
    x = _noisy(product_shots(3, 48, seed=seed % 1000)[:, :37, :45, None], 0.2, seed % 1000)
    _forward(sub, model, x, "the model applied to 3 images of 37x45")


# -- part 3: denoise -----------------------------------------------------------------------------

def _call_denoise(sub, model, noisy_nhwc: np.ndarray, what: str) -> np.ndarray:
    x = to_layout(noisy_nhwc, sub.layout)
    out = expect.shape(sub.call("denoise", model, x), x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _check_denoise(sub, model_seed: int, clean: np.ndarray, sigma: float, noise_seed: int, what: str) -> str:
    """denoise(model, y) against clip(y - model(y), 0, 1) from the grader's own forward pass of the same model."""
    model = sub.call("build_dncnn", model_seed)
    noisy = _noisy(clean, sigma, noise_seed)
    residual = _forward(sub, model, noisy, "the model's forward pass")
    out = _call_denoise(sub, model, noisy, what)
    expect.in_range(out, 0.0, 1.0, what, "clip the estimate noisy - model(noisy) to [0, 1] (.clamp / keras.ops.clip): "
                    "it is an image")
    expected = np.clip(noisy - residual, 0.0, 1.0)
    tol = 1e-4
    if np.max(np.abs(out - expected)) <= tol:
        return f"matches clip(noisy - model(noisy), 0, 1) on {len(noisy)} images"
    candidates = {
        "it adds the predicted noise; subtract it: noisy - model(noisy)": np.clip(noisy + residual, 0, 1),
        "it returns the model's output, which is the NOISE estimate; subtract it from the input": np.clip(residual, 0, 1),
        "it subtracts the input from the prediction; the image is noisy - model(noisy)": np.clip(residual - noisy, 0, 1),
        "it ignores the model; subtract the model's noise estimate from the input": np.clip(noisy, 0, 1),
    }
    for cause, candidate in candidates.items():
        if np.max(np.abs(out - candidate)) <= tol:
            raise CheckFailed(f"{what} does not return clip(noisy - model(noisy), 0, 1): {cause}")
    err = float(np.max(np.abs(out - expected)))
    raise CheckFailed(f"{what} differs from clip(noisy - model(noisy), 0, 1) by up to {err:.3g}; run the model in "
                      "inference mode (model.eval() / training=False) and subtract its output from the input")


@EXERCISE.check("denoise", points=1)
def denoise_shape_and_range(sub, ctx: Context):
    """same shape as the input, float, clipped to [0, 1]"""
    model = sub.call("build_dncnn", 0)
    noisy = _noisy(product_shots(8, SIZE, seed=4)[..., None], 0.3, 5)
    what = "denoise(model, noisy images)"
    out = _call_denoise(sub, model, noisy, what)
    expect.in_range(out, 0.0, 1.0, what, "clip the estimate noisy - model(noisy) to [0, 1] (.clamp / keras.ops.clip): "
                    "it is an image, and the noisy input is not clipped")
    return f"range {out.min():.2f}..{out.max():.2f}"


@EXERCISE.check("denoise", points=2)
def denoise_subtracts_noise(sub, ctx: Context):
    """returns clip(noisy - model(noisy), 0, 1)"""
    return _check_denoise(sub, 1, product_shots(8, SIZE, seed=6)[..., None], 0.2, 7,
                          "denoise(build_dncnn(1), noisy images)")


@EXERCISE.check("denoise", points=1, hidden=True)
def denoise_other_inputs(sub, ctx: Context):
    """other models, sizes and noise levels"""
    seed = ctx.seed("denoise")
    clean = product_shots(3, 48, seed=seed % 1000)[:, :40, :, None]
    _check_denoise(sub, seed % 10_000, clean, 0.05 + 0.25 * (seed % 101) / 100, seed % 100_000, "denoise")


# -- part 4: train_dncnn -------------------------------------------------------------------------

def best_filter_psnr(noisy: np.ndarray, clean: np.ndarray) -> tuple[float, float]:
    """(PSNR, width) of the best Gaussian filter of the noisy NHWC images, clipped to [0, 1] (width picked
    with the clean images: a generous baseline)."""
    scores = [(psnr(np.clip(ndimage.gaussian_filter(noisy, (0, w, w, 0), mode="reflect"), 0, 1), clean, 1.0), float(w))
              for w in BLUR_WIDTHS]
    return max(scores)


def _measure(sub, model, seed: int, levels: tuple[float, ...], first_index: int = 0) -> dict:
    """Per noise level, on held-out shots: PSNR of the noisy input, of clip(noisy - model(noisy)) and of
    the best Gaussian filter; and the correlations of the raw output with the noise and the clean image.
    Level k of a set gets noise seeded seed + k + 1 (``first_index`` is the first level's k)."""
    clean = product_shots(N_HELDOUT, SIZE, seed=seed)[..., None]
    out = {}
    for k, sigma in enumerate(levels, start=first_index):
        noisy = _noisy(clean, sigma, seed + k + 1)
        residual = _forward(sub, model, noisy, "the trained model on held-out noisy shots")
        denoised = np.clip(noisy - residual, 0.0, 1.0)
        noise = noisy.astype(np.float64) - clean
        filt, width = best_filter_psnr(noisy, clean)
        out[sigma] = {
            "psnr_noisy": psnr(np.clip(noisy, 0, 1), clean, 1.0), "psnr_out": psnr(denoised, clean, 1.0),
            "psnr_filter": filt, "filter_width": width,
            "corr_noise": _corr(residual, noise), "corr_clean": _corr(residual, clean),
        }
    return out


def _corr(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    denom = np.sqrt((a @ a) * (b @ b))
    return float(a @ b / denom) if denom > 0 else 0.0


def train_and_measure(sub, seed: int) -> dict:
    """Build and train the student's model once (blind, SIGMA_RANGE); measure on two held-out sets."""
    train_clean = product_shots(N_TRAIN, TRAIN_SIZE, seed=seed)[..., None]
    sub.seed(seed)
    model = sub.call("build_dncnn", seed)
    w_before = sub.get_weights(model)
    probe_clean = product_shots(N_HELDOUT, SIZE, seed=seed + 104729)[..., None]
    probe_noisy = _noisy(probe_clean, 0.2, seed + 3)
    probe_noise = probe_noisy.astype(np.float64) - probe_clean

    def noise_mse() -> float:
        """MSE of the model's output against the noise the grader added: the training objective, measured here."""
        return float(np.mean((_forward(sub, model, probe_noisy, "the model on held-out noisy shots") - probe_noise) ** 2))

    mse_before = noise_mse()
    losses, steps_taken = integrity.train_counting_steps(
        sub, "train_dncnn", model, to_layout(train_clean, sub.layout), list(SIGMA_RANGE), int(STEPS), int(seed))
    w_after = sub.get_weights(model)
    public = _measure(sub, model, seed + 7919, PUBLIC_LEVELS)
    # The shuffled model denoises exactly the public set's noisy shots at sigma 0.2 (level index 1).
    shuffled = integrity.with_weights(sub, model, integrity.shuffled_weights(w_after, seed),
                                      lambda: _measure(sub, model, seed + 7919, (0.2,), first_index=1))
    return {
        "losses": losses, "steps": STEPS, "steps_taken": steps_taken, "w_before": w_before, "w_after": w_after,
        "mse_before": mse_before, "mse_after": noise_mse(), "public": public, "shuffled": shuffled[0.2],
        "hidden": _measure(sub, model, seed + 15485, HIDDEN_LEVELS),
    }


def _run(sub, ctx: Context) -> dict:
    return ctx.memo("train", lambda: train_and_measure(sub, ctx.seed("train") % 100_000))


def _check_losses(r: dict) -> str:
    """The returned list is checked for format only; the point is for what the grader measured: the weights
    changed, in exactly `steps` optimizer steps."""
    what = "train_dncnn(...)"
    losses = model_checks.loss_history(r["losses"], r["steps"], what)
    expect.weights_changed(r["w_before"], r["w_after"], what)
    budget = integrity.within_budget(r["steps_taken"], r["steps"], f"train_dncnn(..., steps={r['steps']})")
    return f"{len(losses)} losses; the weights changed in {budget}"


def _check_noise_mse(r: dict) -> str:
    """The grader's own before/after measurement of the training objective on held-out shots."""
    return integrity.measured_fall(r["mse_before"], r["mse_after"], "the MSE between the model's output and the "
                                   "noise on held-out shots (sigma 0.2)", factor=0.8,
                                   hint="train with loss = MSE(model(noisy), noisy - clean), fresh noise every step")


def _check_from_model(r: dict, m: dict, what: str) -> str:
    """Shuffling the trained weights must destroy the gain: the denoised image comes from the model."""
    v, s = m[0.2], r["shuffled"]
    return integrity.from_the_model(v["psnr_out"] - v["psnr_noisy"], s["psnr_out"] - s["psnr_noisy"],
                                    MAX_SHUFFLED_GAIN_DB, f"{what}: the PSNR gain over the noisy input at sigma 0.2",
                                    " dB")


def _check_residual(m: dict, what: str) -> str:
    level = 0.2 if 0.2 in m else sorted(m)[len(m) // 2]
    c_noise, c_clean = m[level]["corr_noise"], m[level]["corr_clean"]
    if not c_noise >= MIN_NOISE_CORRELATION:
        cause = ("it looks like the clean image: residual learning trains model(noisy) to output the NOISE, "
                 "noisy - clean, and the loss compares it with that" if c_clean > 0.5 else
                 "train the model to output the noise noisy - clean (MSE against it)")
        raise CheckFailed(f"{what}: the model's raw output correlates {c_noise:.2f} with the noise the grader added "
                          f"(needs {MIN_NOISE_CORRELATION:g}) and {c_clean:.2f} with the clean image; {cause}")
    return f"output correlates {c_noise:.2f} with the noise, {c_clean:+.2f} with the image (sigma {level:g})"


def _check_levels(m: dict, what: str) -> str:
    notes, failures = [], []
    for sigma, v in m.items():
        gain = v["psnr_out"] - v["psnr_filter"]
        need = MIN_GAIN_OVER_FILTER["end" if sigma >= SIGMA_RANGE[1] else "inside"]
        notes.append(f"sigma {sigma:g}: {v['psnr_out']:.2f} dB vs filter {v['psnr_filter']:.2f} dB (needs {need:+.1f})")
        if not gain >= need:
            failures.append((sigma, v, need))
    if failures:
        sigma, v, need = min(failures, key=lambda f: f[1]["psnr_out"] - f[1]["psnr_filter"] - f[2])
        low = min(m)
        drop = (m[low]["psnr_out"] - m[low]["psnr_filter"]) - (v["psnr_out"] - v["psnr_filter"])
        hint = ("it does much better at low noise than at high noise, as a model trained at one noise level does; "
                "does train_dncnn draw a new sigma for every image from the whole sigma_range (blind training, "
                "add_blind_noise)?" if drop > 4.0
                else "train on (noisy, noise) pairs with fresh noise every step: loss = MSE(model(noisy), noisy - clean)")
        raise CheckFailed(f"{what}: at sigma {sigma:g} the DnCNN output has PSNR {v['psnr_out']:.2f} dB, the best "
                          f"Gaussian filter {v['psnr_filter']:.2f} dB (noisy input {v['psnr_noisy']:.2f} dB); needs "
                          f"{need:+.1f} dB over the filter; {hint}")
    return "; ".join(notes)


@EXERCISE.check("train", points=1)
def returns_losses(sub, ctx: Context):
    """changes the weights in exactly `steps` optimizer steps (and returns one finite loss per step)"""
    return _check_losses(_run(sub, ctx))


@EXERCISE.check("train", points=1)
def predicts_the_noise(sub, ctx: Context):
    """residual learning: the trained model outputs the noise, not the image, and its error against it falls"""
    r = _run(sub, ctx)
    return f"{_check_residual(r['public'], 'held-out shots')}; {_check_noise_mse(r)}"


@EXERCISE.check("train", points=2)
def beats_gaussian_filter(sub, ctx: Context):
    """one blind model beats the best Gaussian filter at sigma 0.1 and 0.2 (within 1 dB at 0.3), from its weights"""
    r = _run(sub, ctx)
    return f"{_check_levels(r['public'], 'held-out shots')}; {_check_from_model(r, r['public'], 'held-out shots')}"


@EXERCISE.check("train", points=2, hidden=True)
def other_levels(sub, ctx: Context):
    """other held-out shots and noise levels"""
    r = _run(sub, ctx)
    _check_losses(r)
    _check_residual(r["hidden"], "other shots")
    _check_noise_mse(r)
    _check_levels(r["hidden"], "other shots")
