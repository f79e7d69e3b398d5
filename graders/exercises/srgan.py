"""Grader for srgan (seeds 000 #8, 004 #15): sub-pixel convolution, SRGAN losses and training.

Parts: ``pixel_shuffle`` (the track's own sub-pixel rearrangement, compared with the grader's numpy
version: PyTorch's ``nn.PixelShuffle`` order for NCHW, Keras/TF ``depth_to_space`` order for NHWC),
``models`` (generator shapes at x2 and x4, pixel layout probed by shifting the input, discriminator
logits, seeding), ``losses`` (content MSE + weighted non-saturating BCE from logits, against a
float64 reference, term by term) and ``train``. The training part is judged on outcomes the grader
measures itself: it builds the student's networks, trains them with the student's ``train_srgan``
on grey patches of the *training* photographs, once with the adversarial term and once without
(content only, the SRResNet baseline), then super-resolves patches of *other* photographs
(PSNR, border of ``scale`` pixels shaved, output clipped to [0, 1]) and runs the trained
discriminator on held-out real HR patches and on the generator's outputs. See THRESHOLDS.
"""
from __future__ import annotations

import numpy as np

from fixtures import degrade

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..losses import sigmoid, softplus
from ..metrics import psnr
from ..submission import StudentCodeError

EXERCISE = Exercise("srgan")

TRAIN_SIZE = 32          # HR training patch size: 16x16 (x2) or 8x8 (x4) low-resolution inputs
N_TRAIN = 256            # training pairs handed to train_srgan
HELDOUT_SIZE = 32
N_HELDOUT = 64           # held-out pairs (test photographs) the grader super-resolves and discriminates
STEPS = 100              # training steps per run (batch 16): about 1.3 s (torch) / 1.7 s (tf) of CPU per run
BLUR_SIGMA = 1.5         # the blurred HR patches the trained discriminator must rank below real ones
ADV_WEIGHT = 1e-3        # SRGAN's lambda, passed to train_srgan
PUBLIC_SCALE = 2
# THRESHOLDS, measured with this grader's own code (100 steps, batch 16, Adam 1e-3, HR 32x32, x2) on
# held-out test-photograph patches, for the public salt and the five test salts (plus a few seeds):
# * PSNR gain of the SRGAN over bicubic (border 2 shaved): reference +0.00..+0.30 dB (torch) and
#   -0.03..+0.27 dB (tf), 8 salts each, public and hidden held-out sets; a generator
#   whose last layer starts at zero and is never stepped is exactly bicubic (+0.00 dB) and fails the
#   weights-changed check. With Adam 2e-3 instead of 1e-3 the reference fell to -0.20 dB on one seed:
#   100 steps is a small budget, hence a threshold slightly below zero.
MIN_GAIN_OVER_BICUBIC = {PUBLIC_SCALE: -0.1}   # dB, SRGAN minus bicubic
# * content-only (adv_weight=0) minus SRGAN PSNR: reference -0.01..+0.10 dB (torch, 6 salts),
#   +0.03..+0.10 dB (tf, 6 salts); adversarial term weighted 1 instead of adv_weight +0.38 dB; discriminator labels
#   swapped +0.70 dB (public salt, torch).
MAX_LOSS_TO_CONTENT = 0.3                      # dB, content-only minus SRGAN
# * P(D's logit on a held-out real HR patch > on a super-resolved one): reference 0.49..0.84 (both
#   tracks, 8 salts each, public and hidden held-out sets); chance is 0.5 (+-0.05 for 64 + 64
#   patches), so this only asks that D is not the wrong way round. The discriminator is really judged
#   on real vs Gaussian-blurred (sigma 1.5) HR patches, an exaggerated version of the fakes it is
#   trained on: reference 0.77..0.93 (both tracks, same runs); a discriminator without the high-pass
#   front end reached only 0.60..0.73 in trials; swapped labels, or a generator trained mostly on the
#   adversarial term, about 0.15.
MIN_AUC = 0.4            # P(D scores a held-out real HR patch above a super-resolved one)
MIN_AUC_BLUR = 0.7       # P(D scores a held-out real HR patch above a blurred one)
WEIGHT_NOISE = 0.05      # added to every weight before probing the generator's pixel layout
MAX_PARAMS = 50_000      # generator at x4 plus discriminator; keeps grading within a few seconds
# * adv_weight must matter: a third run with adv_weight=STRONG_ADV_WEIGHT (same seed) must end with
#   outputs at least MIN_STRONG_CHANGE (RMS on the held-out patches, [0, 1] units) away from the run at
#   ADV_WEIGHT: references 0.013..0.023 (torch), 0.015..0.019 (tf), 6 salts each. Code that treats adv_weight as an on/off switch (weight 1 whenever it is
#   positive) trains the same network both times: 0 on one device. Its PSNR drop against content only is
#   0.31..1.03 dB on five of six salts (torch, CPU) but 0.16 on seed-2 and -0.11 on CUDA: too close to
#   the references' -0.12..+0.10 for the drop alone.
STRONG_ADV_WEIGHT = 1.0
MIN_STRONG_CHANGE = 0.005
# * Model dependence (graders.integrity): with the values inside every weight tensor of the generator
#   shuffled, its PSNR gain over bicubic must fall below the bar: references -2.2..-0.28 dB (torch),
#   -1.9..-0.25 dB (tf), 6 salts each. Plain bicubic (or any filter) switched on after training passes
#   the bar (bicubic or better, minus 0.1 dB) and keeps its gain.
MAX_SHUFFLED_GAIN = MIN_GAIN_OVER_BICUBIC[PUBLIC_SCALE] - 0.01


# -- part 1: pixel_shuffle ----------------------------------------------------------------------

def shuffle_reference(x: np.ndarray, r: int, layout: str) -> np.ndarray:
    """The grader's sub-pixel rearrangement in the track's convention.

    NCHW (torch nn.PixelShuffle): out[n, c, h*r + i, w*r + j] = x[n, c*r*r + i*r + j, h, w].
    NHWC (tf.nn.depth_to_space):  out[n, h*r + i, w*r + j, c] = x[n, h, w, (i*r + j)*C + c].
    """
    if layout == "NCHW":
        n, crr, h, w = x.shape
        c = crr // (r * r)
        return x.reshape(n, c, r, r, h, w).transpose(0, 1, 4, 2, 5, 3).reshape(n, c, h * r, w * r)
    n, h, w, crr = x.shape
    c = crr // (r * r)
    return x.reshape(n, h, w, r, r, c).transpose(0, 1, 3, 2, 4, 5).reshape(n, h * r, w * r, c)


def _shuffle_mistakes(x: np.ndarray, r: int, layout: str) -> list[tuple[np.ndarray, str]]:
    """Typical wrong rearrangements of the same input, each with its diagnosis."""
    if layout == "NCHW":
        n, crr, h, w = x.shape
        c = crr // (r * r)
        other_order = x.reshape(n, r, r, c, h, w).transpose(0, 3, 4, 1, 5, 2).reshape(n, c, h * r, w * r)
        swapped = x.reshape(n, c, r, r, h, w).transpose(0, 1, 4, 3, 5, 2).reshape(n, c, h * r, w * r)
        plain = x.reshape(n, c, h * r, w * r)
        order_hint = ("the channels are grouped as (r, r, C) (TensorFlow's depth_to_space order); PyTorch's "
                      "pixel shuffle reads channel c * r * r + i * r + j: reshape to (N, C, r, r, H, W)")
    else:
        n, h, w, crr = x.shape
        c = crr // (r * r)
        other_order = x.reshape(n, h, w, c, r, r).transpose(0, 1, 4, 2, 5, 3).reshape(n, h * r, w * r, c)
        swapped = x.reshape(n, h, w, r, r, c).transpose(0, 1, 4, 2, 3, 5).reshape(n, h * r, w * r, c)
        plain = x.reshape(n, h * r, w * r, c)
        order_hint = ("the channels are grouped as (C, r, r) (PyTorch's PixelShuffle order); depth_to_space "
                      "reads channel (i * r + j) * C + c: reshape to (N, H, W, r, r, C)")
    return [
        (plain, "a reshape alone scatters the pixels: split the channel axis, move the two r axes next to H "
                "and W (transpose / permute), then merge"),
        (other_order, order_hint),
        (swapped, "the sub-pixel row and column offsets are swapped: channel offset i (the slower one) is the "
                  "row inside each r x r block, j the column"),
    ]


def _call_shuffle(sub, x: np.ndarray, r: int, what: str) -> np.ndarray:
    expected = shuffle_reference(x, r, sub.layout)
    out = expect.shape(sub.call("pixel_shuffle", x, int(r)), expected.shape, what, sub.layout)
    expect.finite(out.astype(np.float64), what)
    if np.array_equal(out.astype(np.float64), expected.astype(np.float64)):
        return out
    for candidate, message in _shuffle_mistakes(x, r, sub.layout):
        if np.array_equal(out.astype(np.float64), candidate.astype(np.float64)):
            raise CheckFailed(f"{what}: the values are in the wrong places; {message}")
    expect.close(out, expected, what, rtol=0, atol=1e-6,
                 hint="every output value must be one of the input's values, moved, not computed")
    return out


def _layout_shape(n: int, c: int, h: int, w: int, layout: str) -> tuple[int, int, int, int]:
    return (n, c, h, w) if layout == "NCHW" else (n, h, w, c)


def _arange_input(n: int, c: int, h: int, w: int, layout: str) -> np.ndarray:
    """Distinct values (exact in float32), so any misplaced value shows."""
    size = n * c * h * w
    return np.arange(size, dtype=np.float32).reshape(_layout_shape(n, c, h, w, layout))


@EXERCISE.check("pixel_shuffle", points=1)
def shuffle_shape(sub, ctx: Context):
    """(N, C*r*r, H, W) NCHW / (N, H, W, C*r*r) NHWC becomes (N, C, rH, rW) / (N, rH, rW, C)"""
    x = _arange_input(2, 12, 5, 6, sub.layout)
    expected = shuffle_reference(x, 2, sub.layout).shape
    out = expect.shape(sub.call("pixel_shuffle", x, 2), expected, "pixel_shuffle(x, 2) of 12 channels", sub.layout)
    return f"shape {out.shape} ({sub.layout})"


@EXERCISE.check("pixel_shuffle", points=1)
def shuffle_one_channel(sub, ctx: Context):
    """one output channel: each group of r*r channels becomes an r x r block of pixels"""
    _call_shuffle(sub, _arange_input(2, 4, 3, 5, sub.layout), 2, "pixel_shuffle(x, 2) of 4 channels")


@EXERCISE.check("pixel_shuffle", points=1)
def shuffle_channel_order(sub, ctx: Context):
    """several output channels: the framework's channel order"""
    _call_shuffle(sub, _arange_input(2, 12, 3, 4, sub.layout), 2, "pixel_shuffle(x, 2) of 12 channels (3 out)")


@EXERCISE.check("pixel_shuffle", points=1, hidden=True)
def shuffle_other_inputs(sub, ctx: Context):
    """other factors, channel counts and sizes"""
    rng = np.random.default_rng(ctx.seed("pixel_shuffle"))
    for r, c in ((3, 2), (4, 1), (2, 5)):
        h, w = (int(v) for v in rng.integers(2, 7, 2))
        x = rng.normal(size=_layout_shape(int(rng.integers(1, 4)), c * r * r, h, w, sub.layout)).astype(np.float32)
        _call_shuffle(sub, x, r, "pixel_shuffle")


# -- part 2: models -----------------------------------------------------------------------------

def _sr(sub, gen, lr_nhwc: np.ndarray, scale: int, what: str) -> np.ndarray:
    """The generator's output on NHWC low-res images, checked for shape and finiteness, as NHWC float64."""
    n, h, w, c = lr_nhwc.shape
    x = to_layout(np.ascontiguousarray(lr_nhwc, dtype=np.float32), sub.layout)
    out = expect.array(sub.predict(gen, x), what)
    expected = _layout_shape(n, c, h * scale, w * scale, sub.layout)
    if out.ndim == 4 and out.shape != expected:
        sp = (2, 3) if sub.layout == "NCHW" else (1, 2)
        got_hw = tuple(out.shape[i] for i in sp)
        if scale == 4 and got_hw == (2 * h, 2 * w):
            raise CheckFailed(f"{what}: expected shape {expected} ({sub.layout}), got {out.shape}: only doubled; "
                              "x4 needs two x2 upsampling stages (conv to 4 * width channels + pixel_shuffle(., 2) each)")
        if got_hw == (h, w):
            raise CheckFailed(f"{what}: expected shape {expected} ({sub.layout}), got {out.shape}: the output has the "
                              "input's size; upsample with pixel_shuffle after a conv to 4 * width channels")
    out = expect.shape(out, expected, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _logits(sub, disc, hr_nhwc: np.ndarray, what: str) -> np.ndarray:
    x = to_layout(np.ascontiguousarray(hr_nhwc, dtype=np.float32), sub.layout)
    out = expect.shape(sub.predict(disc, x), (len(x), 1), what)
    expect.dtype(out, "f", what)
    expect.finite(out, what)
    return out[:, 0].astype(np.float64)


def _lr_patches(n: int, size: int, seed: int, split: str = "test") -> np.ndarray:
    """Smooth low-resolution NHWC patches in [0, 1]: downscaled photographs."""
    lr, _ = degrade.sr_pairs(n, 4 * size, 4, split, seed=seed)
    return lr[..., None]


def _check_shift(sub, gen, scale: int, seed: int, what: str) -> float:
    """Shifting the input by one low-res pixel must shift the output by `scale` pixels (away from borders).

    Sub-pixel convolution, transposed convolution and interpolation all do; a pixel shuffle done by
    a reshape without the transpose scatters the pixels and does not."""
    # Random weights everywhere (a generator may start as exactly bicubic, its last layer zero): every
    # path through the network then shows in the output.
    rng = np.random.default_rng(seed)
    weights = sub.get_weights(gen)
    sub.set_weights(gen, [w + (WEIGHT_NOISE * rng.standard_normal(w.shape)).astype(w.dtype) if w.dtype.kind == "f"
                          else w for w in weights])
    x = _lr_patches(2, 24, seed)
    margin = 7                                 # low-res pixels of border effects ignored on each side
    full = _sr(sub, gen, x, scale, f"{what} on 24x24 inputs")
    moved = _sr(sub, gen, x[:, 1:, 2:], scale, f"{what} on 23x22 crops")
    a = full[:, scale * (1 + margin):scale * (24 - margin), scale * (2 + margin):scale * (24 - margin)]
    b = moved[:, scale * margin:scale * (23 - margin), scale * margin:scale * (22 - margin)]
    err = float(np.max(np.abs(a - b)))
    spread = float(np.std(full)) + 1e-6
    if err > 1e-4 + 1e-3 * spread:
        raise CheckFailed(f"{what}: shifting the input by one low-res pixel does not shift the output by {scale} "
                          f"pixels (difference {err:.3g} away from the borders): the upsampling scatters the pixels. "
                          "Is the pixel shuffle a reshape without the transpose? Use pixel_shuffle from Part 1, and "
                          "no Dense/Linear layer")
    return err


@EXERCISE.check("models", points=1)
def generator_shapes(sub, ctx: Context):
    """generator maps (N, 1, h, w) NCHW / (N, h, w, 1) NHWC to scale * h x scale * w at x2 and x4"""
    x = _lr_patches(3, 8, 0)[:, :, :6]
    for scale in (2, 4):
        gen = sub.call("build_generator", scale, 0)
        _sr(sub, gen, x, scale, f"build_generator({scale}, 0) on 3 images of 8x6")
    return f"x2: {_layout_shape(3, 1, 16, 12, sub.layout)}, x4: {_layout_shape(3, 1, 32, 24, sub.layout)} ({sub.layout})"


@EXERCISE.check("models", points=1)
def sub_pixel_layout(sub, ctx: Context):
    """upsampling keeps the image in place: a shifted input gives a shifted output"""
    for scale in (2, 4):
        _check_shift(sub, sub.call("build_generator", scale, 1), scale, 1, f"build_generator({scale}, 1)")


@EXERCISE.check("models", points=1)
def discriminator_logits(sub, ctx: Context):
    """discriminator maps HR images to raw logits (N, 1), not probabilities"""
    disc = sub.call("build_discriminator", 0)
    _, hr = degrade.sr_pairs(6, 32, 2, "test", seed=2)
    logits = _logits(sub, disc, hr[..., None], "build_discriminator(0) on 6 images of 32x32")
    rng = np.random.default_rng(3)
    wild = rng.uniform(-30, 30, (16, 32, 32, 1))
    wild_logits = _logits(sub, disc, wild, "the discriminator on inputs in [-30, 30]")
    if np.all((wild_logits >= 0) & (wild_logits <= 1)):
        raise CheckFailed("the discriminator's outputs all lie in [0, 1] even for inputs in [-30, 30]: drop the final "
                          "sigmoid, the losses take raw logits (BCE with logits / from_logits=True)")
    if np.ptp(wild_logits) < 1e-6:
        raise CheckFailed("the discriminator gives the same logit for very different images")
    return f"logits of real patches {logits.min():+.3f}..{logits.max():+.3f}"


def _seeded(sub, builder: str, args_for) -> int:
    w0 = sub.get_weights(sub.call(builder, *args_for(3)))
    sub.seed(123)  # another global RNG state: the weights must depend on `seed` only
    w1 = sub.get_weights(sub.call(builder, *args_for(3)))
    call = f"{builder}({', '.join(repr(a) for a in args_for(3))})"
    if len(w0) != len(w1) or not all(np.array_equal(a, b) for a, b in zip(w0, w1)):
        raise CheckFailed(f"{call} gave different initial weights on a second call: seed the RNG with `seed` "
                          "(torch.manual_seed / keras.utils.set_random_seed) before creating the layers")
    w2 = sub.get_weights(sub.call(builder, *args_for(4)))
    if len(w0) == len(w2) and all(np.array_equal(a, b) for a, b in zip(w0, w2)):
        raise CheckFailed(f"{call} and seed 4 gave the same weights: use the `seed` argument")
    return model_checks.count_params(w0)


@EXERCISE.check("models", points=1)
def small_and_seeded(sub, ctx: Context):
    """small networks whose initial weights depend on the seed only"""
    n_gen = _seeded(sub, "build_generator", lambda s: (4, s))
    n_disc = _seeded(sub, "build_discriminator", lambda s: (s,))
    if n_gen + n_disc > MAX_PARAMS:
        raise CheckFailed(f"the x4 generator and the discriminator have {n_gen} + {n_disc} parameters, at most "
                          f"{MAX_PARAMS} allowed in all: grading trains them within seconds")
    return f"{n_gen} (generator x4) + {n_disc} (discriminator) parameters"


@EXERCISE.check("models", points=1, hidden=True)
def models_other_inputs(sub, ctx: Context):
    """other seeds, batch sizes and image sizes"""
    seed = ctx.seed("models") % 10_000
    x = _lr_patches(2, 12, seed)[:, :10]
    for scale in (2, 4):
        gen = sub.call("build_generator", scale, seed)
        _sr(sub, gen, x, scale, "the generator")
        _check_shift(sub, gen, scale, seed + 1, "the generator")
    _, hr = degrade.sr_pairs(5, 48, 2, "test", seed=seed)
    _logits(sub, sub.call("build_discriminator", seed), hr[:, :40, :, None], "the discriminator on 40x48 images")


# -- part 3: generator_loss ---------------------------------------------------------------------

def loss_reference(f: np.ndarray, sr: np.ndarray, hr: np.ndarray, w: float) -> float:
    """float64: mean((sr - hr)^2) + w * mean(softplus(-f)) (BCE of the logits f against label 1)."""
    return float(np.mean((sr - hr) ** 2) + w * np.mean(softplus(-f)))


def _loss_mistakes(f: np.ndarray, sr: np.ndarray, hr: np.ndarray, w: float) -> list[tuple[float, str]]:
    mse, adv = float(np.mean((sr - hr) ** 2)), float(np.mean(softplus(-f)))
    return [
        (mse, "only the content term: add adv_weight * BCE(fake_logits, 1), the adversarial term"),
        (mse + adv, "adv_weight is ignored: multiply the adversarial term by it"),
        (w * mse + adv, "adv_weight multiplies the content term; it weights the adversarial term"),
        (adv, "only the adversarial term: add the content (MSE) term"),
        (mse + w * float(np.mean(softplus(f))), "the fakes are labelled 0 (the discriminator's target); the "
                                                 "generator labels its outputs 1 (real)"),
        (mse - w * float(np.mean(softplus(f))), "this is the saturating loss log(1 - D(G(x))); use the non-saturating "
                                                 "-log D(G(x)), i.e. BCE with label 1"),
        (mse + w * float(np.mean(softplus(-sigmoid(f)))),
         "sigmoid applied to the logits before a loss that expects logits (probabilities passed with from_logits)"),
        (float(np.mean(np.abs(sr - hr))) + w * adv, "that is the L1 content loss; this exercise uses the MSE"),
        (float(np.sum((sr - hr) ** 2)) + w * adv, "the content term is summed; take the mean over all pixels"),
        (float(np.mean((sr - hr) ** 2)) + w * float(np.sum(softplus(-f))),
         "the adversarial term is summed over the batch; take the mean"),
    ]


def _call_loss(sub, f: np.ndarray, sr_nhwc: np.ndarray, hr_nhwc: np.ndarray, w: float, what: str,
               hint: str = "") -> float:
    f64, sr64, hr64 = f.astype(np.float64), sr_nhwc.astype(np.float64), hr_nhwc.astype(np.float64)
    expected = loss_reference(f64, sr64, hr64, w)
    got = expect.scalar(sub.call("generator_loss", f.astype(np.float32), to_layout(sr_nhwc.astype(np.float32), sub.layout),
                                 to_layout(hr_nhwc.astype(np.float32), sub.layout), float(w)), what)
    if np.isfinite(got) and abs(got - expected) <= 1e-5 + 2e-5 * abs(expected):
        return got
    if not np.isfinite(got):
        raise CheckFailed(f"{what} is {got}: log(sigmoid(x)) underflows for large |x|; compute the BCE from logits "
                          "(binary_cross_entropy_with_logits / from_logits=True)")
    for candidate, message in _loss_mistakes(f64, sr64, hr64, w):
        if abs(got - candidate) <= 1e-5 + 1e-4 * abs(candidate):
            raise CheckFailed(f"{what} = {got:.6g}, expected {expected:.6g}: {message}")
    raise CheckFailed(f"{what} = {got:.6g}, expected {expected:.6g}" + (f"; {hint}" if hint else ""))


def _loss_case(rng: np.random.Generator, n: int, size: int, loc: float = 0.0, scale: float = 1.5):
    hr = rng.uniform(0, 1, (n, size, size, 1))
    sr = np.clip(hr + rng.normal(0, 0.15, hr.shape), -0.2, 1.2)
    f = rng.normal(loc, scale, (n, 1))
    return f.astype(np.float32), sr.astype(np.float32), hr.astype(np.float32)


@EXERCISE.check("losses", points=1)
def loss_values(sub, ctx: Context):
    """generator_loss matches MSE + adv_weight * BCE(logits, 1) for several weights"""
    f, sr, hr = _loss_case(np.random.default_rng(30), 8, 8, -0.5)
    notes = []
    for w in (1e-3, 0.1, 1.0, 3.0):
        notes.append(f"{_call_loss(sub, f, sr, hr, w, f'generator_loss(logits, sr, hr, adv_weight={w:g})'):.4f}")
    return "losses " + ", ".join(notes)


@EXERCISE.check("losses", points=1)
def loss_terms(sub, ctx: Context):
    """each term on its own: adv_weight=0 is the MSE, sr == hr leaves the weighted BCE"""
    f, sr, hr = _loss_case(np.random.default_rng(31), 6, 8, 0.3)
    _call_loss(sub, f, sr, hr, 0.0, "generator_loss(..., adv_weight=0)",
               "with adv_weight=0 this is the content term alone: the mean of (sr - hr)**2 over every pixel")
    _call_loss(sub, f, hr, hr, 0.5, "generator_loss(logits, hr, hr, adv_weight=0.5)",
               "with sr == hr this is the adversarial term alone: 0.5 * mean(-log(sigmoid(fake_logits))), label 1")


@EXERCISE.check("losses", points=1)
def loss_large_logits(sub, ctx: Context):
    """exact and finite for huge logits (+-200)"""
    _, sr, hr = _loss_case(np.random.default_rng(32), 5, 4)
    f = np.array([[200.0], [-200.0], [35.0], [-35.0], [0.5]], np.float32)
    _call_loss(sub, f, sr, hr, 0.1, "generator_loss with logits of +-200",
               "huge logits need the BCE computed from logits: log(sigmoid(x)) underflows, BCELoss clamps the log at "
               "-100 and Keras clips probabilities to 1e-7")


@EXERCISE.check("losses", points=2, hidden=True)
def loss_other_inputs(sub, ctx: Context):
    """other logits, images, batch sizes and weights"""
    rng = np.random.default_rng(ctx.seed("losses"))
    for _ in range(3):
        f, sr, hr = _loss_case(rng, int(rng.integers(2, 12)), int(rng.integers(4, 12)), rng.normal(0, 2),
                               rng.uniform(0.5, 10))
        _call_loss(sub, f, sr, hr, float(rng.choice([0.0, 1e-3, 0.05, 0.7, 2.0])), "generator_loss")


# -- part 4: train_srgan ------------------------------------------------------------------------

def _shave(x: np.ndarray, border: int) -> np.ndarray:
    return x[:, border:-border, border:-border]


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties counting half."""
    diff = pos[:, None] - neg[None, :]
    return float(np.mean(diff > 0) + 0.5 * np.mean(diff == 0))


def _measure(sub, gen, disc, scale: int, seed: int) -> dict:
    """PSNR against bicubic and the discriminator's ranking, on held-out pairs drawn with `seed`."""
    lr, hr = degrade.sr_pairs(N_HELDOUT, HELDOUT_SIZE, scale, "test", seed=seed)
    lr, hr = lr[..., None], hr[..., None]
    sr = _sr(sub, gen, lr, scale, "the trained generator on held-out patches")
    bicubic = degrade.upscale_bicubic(lr[..., 0], scale)[..., None]
    blurred = degrade.gaussian_blur(hr[..., 0], BLUR_SIGMA)[..., None]
    real_logits = _logits(sub, disc, hr, "the trained discriminator on held-out HR patches")
    fake_logits = _logits(sub, disc, sr.astype(np.float32), "the trained discriminator on super-resolved patches")
    blur_logits = _logits(sub, disc, blurred, "the trained discriminator on blurred HR patches")
    b = scale
    shuffled = integrity.with_weights(sub, gen, integrity.shuffled_weights(sub.get_weights(gen), seed), lambda: _sr(
        sub, gen, lr, scale, "the generator with shuffled weights"))
    return {
        "scale": scale, "sr": np.clip(sr, 0, 1),
        "psnr": psnr(_shave(np.clip(sr, 0, 1), b), _shave(hr, b), 1.0),
        "psnr_shuffled": psnr(_shave(np.clip(shuffled, 0, 1), b), _shave(hr, b), 1.0),
        "psnr_bicubic": psnr(_shave(bicubic, b), _shave(hr, b), 1.0),
        "auc": _auc(real_logits, fake_logits), "auc_blur": _auc(real_logits, blur_logits),
    }


def _train(sub, seed: int, scale: int, adv_weight: float, steps: int = STEPS) -> dict:
    """Build and train the student's SRGAN, then measure it on held-out patches (all in grader code)."""
    train_lr, train_hr = degrade.sr_pairs(N_TRAIN, TRAIN_SIZE, scale, "train", seed=seed)
    sub.seed(seed)
    gen = sub.call("build_generator", scale, seed)
    disc = sub.call("build_discriminator", seed + 1)
    g0, d0 = sub.get_weights(gen), sub.get_weights(disc)
    try:
        history, steps_taken = integrity.train_counting_steps(
            sub, "train_srgan", gen, disc, to_layout(train_lr[..., None], sub.layout),
            to_layout(train_hr[..., None], sub.layout), int(steps), int(seed), adv_weight=float(adv_weight))
    except StudentCodeError as exc:
        if "backward through the graph a second time" in exc.message:
            raise CheckFailed(exc.message + "; detach the generator's output for the discriminator step "
                              "(discriminator(sr.detach())) so D's backward pass does not free the generator's graph") from None
        raise
    return {"history": history, "steps": steps, "steps_taken": steps_taken,
            "adv_weight": adv_weight, "gen": gen, "disc": disc,
            "g0": g0, "d0": d0, "g1": sub.get_weights(gen), "d1": sub.get_weights(disc),
            **_measure(sub, gen, disc, scale, seed + 7919)}


def _public_run(sub, ctx: Context) -> dict:
    return ctx.memo("srgan", lambda: _train(sub, ctx.seed("train") % 100_000, PUBLIC_SCALE, ADV_WEIGHT))


def _content_run(sub, ctx: Context) -> dict:
    return ctx.memo("content", lambda: _train(sub, ctx.seed("train") % 100_000, PUBLIC_SCALE, 0.0))


def _strong_run(sub, ctx: Context) -> dict:
    return ctx.memo("strong", lambda: _train(sub, ctx.seed("train") % 100_000, PUBLIC_SCALE, STRONG_ADV_WEIGHT))


def _check_history(r: dict, what: str) -> str:
    """The returned lists are checked for format only; the point is for what the grader measured: both
    networks changed, in exactly `steps` steps of each optimizer."""
    history = r["history"]
    if not isinstance(history, list) or len(history) != 2:
        raise CheckFailed(f"{what} returned {type(history).__name__}"
                          + (f" of length {len(history)}" if isinstance(history, list) else "")
                          + "; expected a pair (g_losses, d_losses)")
    g = model_checks.loss_history(history[0], r["steps"], f"{what}'s g_losses")
    d = model_checks.loss_history(history[1], r["steps"], f"{what}'s d_losses")
    for name, before, after, hint in (
            ("discriminator", r["d0"], r["d1"], "is its optimizer stepping on the discriminator's parameters?"),
            ("generator", r["g0"], r["g1"], "is its optimizer stepping on the generator's parameters?")):
        if len(before) != len(after) or not before:
            raise CheckFailed(f"the {name}'s set of weights changed during training, or it has none")
        if all(np.array_equal(x, y) for x, y in zip(before, after)):
            raise CheckFailed(f"the {name}'s weights did not change during training: {hint}")
    budget = integrity.within_budget(r["steps_taken"], r["steps"], f"train_srgan(..., steps={r['steps']}, adv_weight={r['adv_weight']:g})", optimizers=2)
    return f"{len(g)} + {len(d)} losses; both networks changed in {budget} (generator and discriminator)"


def _check_bicubic(r: dict, what: str) -> str:
    need = MIN_GAIN_OVER_BICUBIC[r["scale"]]
    gain = r["psnr"] - r["psnr_bicubic"]
    if not gain >= need:
        raise CheckFailed(f"{what}: PSNR {r['psnr']:.2f} dB on held-out patches against bicubic's {r['psnr_bicubic']:.2f} dB "
                          f"({gain:+.2f} dB), needs at least {need:+g} dB; is the generator trained on the content "
                          "loss (MSE between its output and the HR batch) and stepped every step?")
    shuffled = integrity.from_the_model(gain, r["psnr_shuffled"] - r["psnr_bicubic"], MAX_SHUFFLED_GAIN,
                                        f"{what}: the PSNR gain over bicubic", " dB")
    return f"PSNR {r['psnr']:.2f} dB, bicubic {r['psnr_bicubic']:.2f} dB ({gain:+.2f} dB); {shuffled}"


def _check_auc(r: dict, what: str) -> str:
    if not r["auc_blur"] >= MIN_AUC_BLUR:
        hint = ("it scores them the wrong way round: are the labels swapped (real HR 1, super-resolved 0)? Or is the "
                "generator trained mostly on the adversarial term (adv_weight weights the adversarial term, not the "
                "content term), so that it learns to add the noise this discriminator rewards?"
                if r["auc_blur"] < 0.5 else
                "is the discriminator trained every step on real HR patches (label 1) and the generator's detached "
                "outputs (label 0)?")
        raise CheckFailed(f"{what}: the trained discriminator scores held-out real HR patches above blurred copies of "
                          f"them only {100 * r['auc_blur']:.0f}% of the time (needs {100 * MIN_AUC_BLUR:.0f}%); {hint}")
    if not r["auc"] >= MIN_AUC:
        hint = ("it scores them the wrong way round: are the labels swapped (real HR 1, super-resolved 0)?"
                if r["auc"] < 0.5 else
                "is the discriminator trained every step on real HR patches (label 1) and the generator's detached "
                "outputs (label 0)?")
        raise CheckFailed(f"{what}: the trained discriminator scores held-out real HR patches above super-resolved ones "
                          f"only {100 * r['auc']:.0f}% of the time (needs {100 * MIN_AUC:.0f}%); {hint}")
    return (f"discriminator ranks real HR above super-resolved {100 * r['auc']:.0f}% of the time, "
            f"above blurred {100 * r['auc_blur']:.0f}%")


@EXERCISE.check("train", points=1)
def returns_losses(sub, ctx: Context):
    """returns (g_losses, d_losses), one float per step, and trains both networks"""
    return _check_history(_public_run(sub, ctx), "train_srgan(...)")


@EXERCISE.check("train", points=1)
def close_to_content_only(sub, ctx: Context):
    """the adversarial term costs little PSNR against the same model trained on the content loss only"""
    r, c = _public_run(sub, ctx), _content_run(sub, ctx)
    _check_history(c, "train_srgan(..., adv_weight=0)")
    drop = c["psnr"] - r["psnr"]
    if not drop <= MAX_LOSS_TO_CONTENT:
        cause = ("the trained discriminator prefers blurred images to real ones, so the generator learns to blur: are "
                 "the discriminator's labels swapped (real HR 1, super-resolved 0)?" if r["auc_blur"] < 0.5 else
                 "is the adversarial term weighted by adv_weight (and the content term not)?")
        raise CheckFailed(f"with adv_weight={ADV_WEIGHT:g} the PSNR is {r['psnr']:.2f} dB, {drop:.2f} dB below the same "
                          f"model trained with adv_weight=0 ({c['psnr']:.2f} dB), at most {MAX_LOSS_TO_CONTENT:g} dB "
                          f"allowed: {cause}")
    strong = _strong_run(sub, ctx)
    _check_history(strong, f"train_srgan(..., adv_weight={STRONG_ADV_WEIGHT:g})")
    change = float(np.sqrt(np.mean((r["sr"] - strong["sr"]) ** 2)))
    if not change >= MIN_STRONG_CHANGE:
        raise CheckFailed(f"trained with adv_weight={STRONG_ADV_WEIGHT:g} instead of {ADV_WEIGHT:g} (same seed), the "
                          f"generator's outputs differ by only {change:.2g} (RMS, at least {MIN_STRONG_CHANGE:g} needed; "
                          f"PSNR {strong['psnr']:.2f} vs {r['psnr']:.2f} dB): adv_weight does not set the strength of the "
                          "adversarial term; is the adversarial term weighted by adv_weight (not switched on at full "
                          "weight whenever it is positive)?")
    return (f"PSNR {r['psnr']:.2f} dB, content only {c['psnr']:.2f} dB ({-drop:+.2f} dB); with adv_weight="
            f"{STRONG_ADV_WEIGHT:g} the outputs move {change:.4f} (RMS)")


@EXERCISE.check("train", points=1)
def discriminator_separates(sub, ctx: Context):
    """the trained discriminator tells held-out real HR patches from super-resolved ones"""
    return _check_auc(_public_run(sub, ctx), f"x{PUBLIC_SCALE}")


@EXERCISE.check("train", points=2)
def beats_bicubic(sub, ctx: Context):
    """super-resolves photographs it never saw as well as bicubic or better (x2, PSNR within 0.1 dB, border shaved)"""
    return _check_bicubic(_public_run(sub, ctx), f"x{PUBLIC_SCALE}")


@EXERCISE.check("train", points=2, hidden=True)
def other_heldout(sub, ctx: Context):
    """the trained networks on another held-out set"""
    r = _public_run(sub, ctx)
    m = _measure(sub, r["gen"], r["disc"], PUBLIC_SCALE, ctx.seed("train-hidden") % 100_000)
    _check_bicubic(m, "x2")
    _check_auc(m, "x2")
