"""Grader for autoencoder_compression (seed 000 #6): a code of the stated size, trained, against a thumbnail.

Parts: ``build`` (build_autoencoder(seed, ratio), encode(model, x), decode(model, code): the code
holds H*W*C / ratio values per image, the reconstruction is an image in [0, 1], the model's output
is decode(encode(x)) and decode sees nothing but the code), ``train`` (train_autoencoder trains the
model in place) and ``ratio`` (thumbnail(x, ratio): the downscale-and-upscale baseline with the same
number of values; quality falls as the ratio grows).

Training is judged on outcomes the grader measures itself: it builds the student's model, trains it
with the student's `train_autoencoder` on the training digits, compresses *held-out* digits through
the student's `encode` and `decode`, and measures PSNR (graders.metrics, data range 1) against the
grader's own thumbnail baseline: area-downscale by sqrt(ratio), bicubic upscale (fixtures.degrade).
Two training runs per grading, at ratios 16 and 64, with seeds derived from the grading salt;
hidden checks reuse them (the ratio-16 model on every held-out digit) and try other ratios (8, 32,
64), seeds and digits for the model, and natural patches of other sizes for the thumbnail.
Thresholds come from measurements (reference over many seeds vs mutants); see THRESHOLDS below.
"""
from __future__ import annotations

import cv2
import numpy as np

from fixtures import degrade, digits, images

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..metrics import psnr

EXERCISE = Exercise("autoencoder_compression")

SIDE = 16                      # digits are 16x16 grey: H * W * C = 256 values per image
N_VALUES = SIDE * SIDE
TRAIN_RATIO, HIGH_RATIO = 16, 64   # 16 and 4 values per code; thumbnails of 4x4 and 2x2
STEPS, BATCH, LR = 200, 32, 5e-3   # passed to train_autoencoder explicitly; 1.1 s (torch), 2.5 s (tf) CPU per run
N_HELDOUT = 200                # held-out test digits compressed by the grader
MAX_PARAMS = 100_000           # at ratio 16 (the reference has about 30k); keeps grading within seconds

# THRESHOLDS, measured with this grader's own code (train_and_measure: 200 steps; 8 seeds per track
# for the reference, 3-4 per track for each broken training loop):
# * PSNR gain of the autoencoder over the thumbnail with the same number of values, held-out digits:
#   reference +6.2..+6.9 dB (torch) and +5.5..+6.4 dB (tf) at ratio 16, +7.2..+7.8 / +6.8..+7.5 dB at
#   ratio 64; an encoder left untrained (only the decoder learns) -0.7..+1.2 dB at ratio 16 and
#   +3.5..+4.6 dB at ratio 64; a noisy training target +4.4..+4.6 dB at ratio 16 (caught below).
MIN_GAIN = {TRAIN_RATIO: 4.0, HIGH_RATIO: 5.0}
# * PSNR at ratio 16 minus PSNR at ratio 64: reference +5.4..+5.9 dB (torch), +5.0..+5.8 dB (tf).
MIN_RATIO_DROP = 3.0
# * mean reconstruction on the held-out digits' black background (pixels exactly 0), ratio 16:
#   reference 0.012..0.017; trained towards clipped noisy targets (sigma 0.2) 0.075..0.083, since
#   clip(0 + noise) has mean sigma / sqrt(2 pi) = 0.08.
MAX_BACKGROUND = 0.04
# * held-out MSE after / before training: reference 0.028..0.043 at ratio 16; no optimizer.zero_grad()
#   0.97..1.28 (the check needs below 0.5).
# * the student's thumbnail against the grader's (OpenCV area + bicubic): PyTorch's bicubic matches
#   to 1e-7, TensorFlow's softer bicubic (a = -0.5 instead of -0.75) 35.4..35.9 dB; bilinear
#   upscaling 27 dB, nearest 19-21 dB, strided subsampling instead of area averaging 9-22 dB.
MIN_THUMBNAIL_PSNR = 32.0
# * relative change of the held-out codes during training: reference 17..90 (the initial codes are
#   small), an encoder that is never trained exactly 0.
MIN_CODE_CHANGE = 0.01


# -- helpers -------------------------------------------------------------------------------------

def _digits(n: int, seed: int, split: str = "test") -> np.ndarray:
    """n digits, NHWC float32 (n, 16, 16, 1) in [0, 1]."""
    return digits.sample(n, split=split, seed=seed)[0][..., None].astype(np.float32)


def _code(sub, model, x_nhwc: np.ndarray, what: str) -> np.ndarray:
    """The student's code of NHWC images: an array (N, ...) of finite floats, returned as float64."""
    code = expect.array(sub.call("encode", model, to_layout(x_nhwc, sub.layout)), what)
    n = len(x_nhwc)
    if code.ndim < 2 or code.shape[0] != n:
        raise CheckFailed(f"{what}: expected a code of shape ({n}, values per image), got {code.shape}: "
                          "keep the batch axis first, one code per image")
    expect.dtype(code, "f", what, "a float dtype (float32)")
    expect.finite(code, what)
    return code.astype(np.float64)


def _decode(sub, model, code: np.ndarray, what: str) -> np.ndarray:
    """The student's decode of a code: shape (N, 1, 16, 16) NCHW / (N, 16, 16, 1) NHWC; returned NHWC float64."""
    n = len(code)
    out = sub.call("decode", model, np.ascontiguousarray(code, dtype=np.float32))
    out = expect.shape(out, to_layout(np.zeros((n, SIDE, SIDE, 1)), sub.layout).shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _forward(sub, model, x_nhwc: np.ndarray, what: str) -> np.ndarray:
    x = to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), sub.layout)
    out = expect.shape(sub.predict(model, x), x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _check_code_size(sub, model, x: np.ndarray, ratio: int, what: str) -> np.ndarray:
    code = _code(sub, model, x, what)
    got, expected = code[0].size, N_VALUES // ratio
    if got != expected:
        if got > expected:
            hint = (f"the code is larger than stated, so it compresses less than ratio {ratio} claims: the "
                    f"bottleneck holds C * H * W // ratio = {N_VALUES} // {ratio} values")
            if got == N_VALUES:
                hint += " (as many values as the image: is encode returning the reconstruction?)"
        else:
            hint = f"the code is smaller than stated: the bottleneck holds C * H * W // ratio = {N_VALUES} // {ratio} values"
        raise CheckFailed(f"{what}: the code holds {got} values per image, expected {expected} for ratio {ratio} "
                          f"(256 values per 16x16 grey image); {hint}")
    return code


def _check_decoder_range(sub, model, code: np.ndarray, seed: int, what: str) -> None:
    rng = np.random.default_rng(seed)
    wild = np.concatenate([code * 50.0, rng.normal(0.0, 100.0, code.shape)])
    out = _decode(sub, model, wild, what)
    expect.in_range(out, 0.0, 1.0, what, "end the decoder with a sigmoid so every reconstruction is an image in [0, 1]")


def _check_bottleneck(sub, model, xa: np.ndarray, xb: np.ndarray, where: str) -> str:
    """The model's output is decode(encode(x)), and decode uses the code alone."""
    code_a = _code(sub, model, xa, f"encode(model, x) {where}")
    recon_a = _decode(sub, model, code_a, f"decode(model, encode(model, x)) {where}")
    forward = _forward(sub, model, xa, f"the model applied to x {where}")
    diff = float(np.max(np.abs(forward - recon_a)))
    if diff > 1e-4:
        raise CheckFailed(f"{where}: the model's output differs from decode(encode(x)) by up to {diff:.3g}: its forward "
                          "pass does not go through the code alone; a skip connection from the input to the decoder "
                          "bypasses the bottleneck (forward must be decoder(encoder(x)))")
    _code(sub, model, xb, f"encode(model, other images) {where}")
    again = _decode(sub, model, code_a, f"decode(model, code) {where}")
    diff = float(np.max(np.abs(again - recon_a)))
    if diff > 1e-4:
        raise CheckFailed(f"{where}: decode(model, code) changed (by up to {diff:.3g}) after encode was called on other "
                          "images: the decoder must see the code alone; is the input kept on the model and fed to the "
                          "decoder (a skip connection that bypasses the bottleneck)?")
    scale = float(np.std(code_a)) + 1e-3
    moved = _decode(sub, model, code_a + scale * np.random.default_rng(0).normal(size=code_a.shape),
                    f"decode(model, code + noise) {where}")
    if float(np.max(np.abs(moved - recon_a))) < 1e-4:
        raise CheckFailed(f"{where}: decode(model, code) gives the same images when the code changes: the decoder "
                          "ignores the code")
    return "forward = decode(encode(x)), and decode sees only the code"


# -- part 1: build_autoencoder, encode, decode ---------------------------------------------------

@EXERCISE.check("build", points=2)
def code_size(sub, ctx: Context):
    """the code holds 256 / ratio values per image, for ratios 4 and 16"""
    x = _digits(8, seed=0)
    notes = []
    for ratio in (4, 16):
        model = sub.call("build_autoencoder", 0, ratio)
        code = _check_code_size(sub, model, x, ratio, f"encode(build_autoencoder(0, {ratio}), 8 digits)")
        notes.append(f"ratio {ratio}: code {code.shape}")
    return "; ".join(notes)


@EXERCISE.check("build", points=1)
def reconstruction_shape_and_range(sub, ctx: Context):
    """decode(encode(x)) has the images' shape and values in [0, 1], for any code"""
    model = sub.call("build_autoencoder", 0, TRAIN_RATIO)
    x = _digits(8, seed=1)
    code = _code(sub, model, x, f"encode(build_autoencoder(0, {TRAIN_RATIO}), 8 digits)")
    out = _decode(sub, model, code, "decode(model, code)")
    expect.in_range(out, 0.0, 1.0, "decode(model, code)",
                    "end the decoder with a sigmoid so every reconstruction is an image in [0, 1]")
    _check_decoder_range(sub, model, code, 1, "decode(model, codes of scale 50-100)")
    _forward(sub, model, x, "the model applied to 8 digits")
    return f"reconstruction shape {to_layout(out, sub.layout).shape} ({sub.layout})"


@EXERCISE.check("build", points=1)
def only_the_code_reaches_the_decoder(sub, ctx: Context):
    """the model is decode(encode(x)), and decode sees nothing but the code"""
    model = sub.call("build_autoencoder", 0, TRAIN_RATIO)
    xa = _digits(8, seed=2)
    note = _check_bottleneck(sub, model, xa, _digits(8, seed=3), "at ratio 16")
    # The receiver of a code holds its own copy of the decoder: a second model built with the same seed
    # must decode the code to the same images (nothing may travel with the code but the code).
    code = _code(sub, model, xa, "encode(model, x) at ratio 16")
    mine = _decode(sub, model, code, "decode(model, code) at ratio 16")
    twin = sub.call("build_autoencoder", 0, TRAIN_RATIO)
    theirs = _decode(sub, twin, code, "decode(copy of the model, code) at ratio 16")
    diff = float(np.max(np.abs(theirs - mine)))
    if diff > 1e-4:
        raise CheckFailed(f"at ratio 16: a second model built with the same seed decodes the same code to other images "
                          f"(by up to {diff:.3g}): the decoder must see the code alone, not something kept from encode")
    return note + "; a copy of the model decodes the code alike"


@EXERCISE.check("build", points=1)
def small_and_seeded(sub, ctx: Context):
    """a small model whose initial weights depend on the seed only"""
    n_params = model_checks.small_and_seeded(sub, 'build_autoencoder', MAX_PARAMS, TRAIN_RATIO)
    return f"{n_params} parameters at ratio {TRAIN_RATIO}"


@EXERCISE.check("build", points=2, hidden=True)
def other_ratios(sub, ctx: Context):
    """other ratios, seeds and digits; one code per image, independent of the rest of the batch"""
    seed = ctx.seed("build") % 10_000
    x = _digits(12, seed=seed)
    for ratio in (8, 32, 64):
        model = sub.call("build_autoencoder", seed, ratio)
        code = _check_code_size(sub, model, x, ratio, "encode")
        alone = _code(sub, model, x[:3], "encode")
        if not np.allclose(alone, code[:3], rtol=1e-4, atol=1e-5):
            raise CheckFailed("the code of an image depends on the other images of the batch")
        out = _decode(sub, model, code, "decode")
        expect.in_range(out, 0.0, 1.0, "decode")
        _check_decoder_range(sub, model, code, seed, "decode")
        _check_bottleneck(sub, model, x[:6], x[6:], "at another ratio")


# -- part 2: train_autoencoder -------------------------------------------------------------------

def _measure(sub, model, clean: np.ndarray, ratio: int, what: str) -> dict:
    """Compress NHWC digits with the student's encode and decode; measure against the grader's thumbnail."""
    code = _code(sub, model, clean, f"encode: {what}")
    recon = _decode(sub, model, code, f"decode: {what}")
    return {"code": code, "mse": float(np.mean((recon - clean) ** 2)), "psnr_ae": psnr(recon, clean, 1.0),
            "psnr_thumb": psnr(reference_thumbnail(clean, ratio), clean, 1.0),
            "background": float(recon[clean == 0.0].mean())}


def train_and_measure(sub, seed: int, ratio: int, steps: int = STEPS) -> dict:
    """Build and train the student's model, compress held-out digits (all measured in grader code)."""
    train_x = digits.load_digits("train")[0][..., None].astype(np.float32)
    clean = _digits(N_HELDOUT, seed=seed + 7919)
    sub.seed(seed)
    model = sub.call("build_autoencoder", seed, ratio)
    before = _measure(sub, model, clean, ratio, f"the untrained model (ratio {ratio}) on held-out digits")
    w_before = sub.get_weights(model)
    losses, steps_taken = integrity.train_counting_steps(sub, "train_autoencoder", model, to_layout(train_x, sub.layout),
                                                         int(steps), int(seed), BATCH, LR)
    w_after = sub.get_weights(model)
    after = _measure(sub, model, clean, ratio, f"the trained model (ratio {ratio}) on held-out digits")
    change = np.linalg.norm(after["code"] - before["code"]) / (np.linalg.norm(before["code"]) + 1e-12)
    return {
        "model": model, "losses": losses, "steps": steps, "steps_taken": steps_taken, "ratio": ratio,
        "w_before": w_before, "w_after": w_after,
        "mse_before": before["mse"], "mse_after": after["mse"], "psnr_ae": after["psnr_ae"],
        "psnr_thumb": after["psnr_thumb"], "background": after["background"], "code_change": float(change),
    }


def _public_run(sub, ctx: Context, ratio: int = TRAIN_RATIO) -> dict:
    return ctx.memo(f"public-{ratio}", lambda: train_and_measure(sub, ctx.seed("train") % 100_000, ratio))


def _diagnosis(r: dict) -> str:
    """The likely cause when training does not give a good code, from what the grader measured."""
    if r["code_change"] < MIN_CODE_CHANGE:
        return ("the encoder is not trained: train through model(batch), not through encode() (no gradient), and "
                "give the optimiser all the model's weights, the encoder's included")
    if r["mse_after"] >= 0.5 * r["mse_before"]:
        return ("training barely reduced the error on new digits: check the loss, that optimizer.zero_grad() "
                "is called every step, and the learning rate")
    if r["background"] > MAX_BACKGROUND:
        return ("the black background comes back grey: is the target the input itself? Noise added to the target "
                "(clipped at 0) teaches a grey background")
    return "train to reproduce the input: the MSE between model(batch) and the batch itself"


def _check_losses(r: dict) -> str:
    """The budget and the grader's own before/after measurement; the returned list is checked for format only."""
    what = f"train_autoencoder(..., steps={r['steps']})"
    expect.weights_changed(r["w_before"], r["w_after"], what)
    budget = integrity.within_budget(r["steps_taken"], r["steps"], what)
    losses = model_checks.loss_history(r["losses"], r["steps"], what)
    fall = integrity.measured_fall(r["mse_before"], r["mse_after"], "the held-out MSE the grader measures",
                                   hint=_diagnosis(r))
    return f"{budget}; {fall}; {len(losses)} losses returned"


def _check_mse(r: dict, what: str) -> str:
    if not r["mse_after"] < 0.5 * r["mse_before"]:
        raise CheckFailed(f"{what}: held-out MSE went {r['mse_before']:.4f} -> {r['mse_after']:.4f} during training, needs "
                          f"to fall below half its start; {_diagnosis(r)}")
    return f"held-out MSE {r['mse_before']:.4f} -> {r['mse_after']:.4f}"


def _check_encoder(r: dict, what: str) -> str:
    if not r["code_change"] >= MIN_CODE_CHANGE:
        raise CheckFailed(f"{what}: the codes of held-out digits did not change during training (relative change "
                          f"{r['code_change']:.2g}); {_diagnosis(r)}")
    return f"the codes moved by {r['code_change']:.2g}x their initial size"


def _check_background(r: dict, what: str) -> str:
    if not r["background"] <= MAX_BACKGROUND:
        raise CheckFailed(f"{what}: the reconstructions' background averages {r['background']:.3f} where the digits are "
                          f"black (0), needs at most {MAX_BACKGROUND:g}; {_diagnosis(r)}")
    return f"background {r['background']:.3f} (at most {MAX_BACKGROUND:g})"


def _check_gain(r: dict, what: str) -> str:
    ratio, need = r["ratio"], MIN_GAIN[r["ratio"]]
    gain = r["psnr_ae"] - r["psnr_thumb"]
    side = SIDE // int(round(np.sqrt(ratio)))
    if not gain >= need:
        raise CheckFailed(f"{what}: the autoencoder's PSNR on held-out digits is {r['psnr_ae']:.2f} dB, the {side}x{side} "
                          f"thumbnail with the same {N_VALUES // ratio} values gets {r['psnr_thumb']:.2f} dB ({gain:+.2f}); "
                          f"needs at least +{need:g} dB; {_diagnosis(r)}")
    return (f"ratio {ratio}: autoencoder {r['psnr_ae']:.2f} dB vs {side}x{side} thumbnail {r['psnr_thumb']:.2f} dB "
            f"({gain:+.2f}, needs +{need:g})")


@EXERCISE.check("train", points=1)
def returns_losses(sub, ctx: Context):
    """takes `steps` optimizer steps and the held-out error the grader measures falls (losses: format only)"""
    return _check_losses(_public_run(sub, ctx))


@EXERCISE.check("train", points=1)
def heldout_mse_falls(sub, ctx: Context):
    """the reconstruction error on held-out digits falls during training"""
    return _check_mse(_public_run(sub, ctx), f"ratio {TRAIN_RATIO}")


@EXERCISE.check("train", points=1)
def encoder_learns(sub, ctx: Context):
    """the encoder is trained too: the codes change"""
    return _check_encoder(_public_run(sub, ctx), f"ratio {TRAIN_RATIO}")


@EXERCISE.check("train", points=1)
def black_background(sub, ctx: Context):
    """reconstructions keep the digits' black background"""
    return _check_background(_public_run(sub, ctx), f"ratio {TRAIN_RATIO}")


@EXERCISE.check("train", points=2)
def beats_thumbnail(sub, ctx: Context):
    """beats the thumbnail with the same number of values on digits it never saw (PSNR)"""
    return _check_gain(_public_run(sub, ctx), f"ratio {TRAIN_RATIO}")


@EXERCISE.check("train", points=2, hidden=True)
def all_heldout_digits(sub, ctx: Context):
    """the trained model on every held-out digit, in another order"""
    r = _public_run(sub, ctx)
    _check_losses(r)
    every = digits.load_digits("test")[0][..., None].astype(np.float32)
    every = every[np.random.default_rng(ctx.seed("train-hidden")).permutation(len(every))]
    m = _measure(sub, r["model"], every, TRAIN_RATIO, "the trained model on every held-out digit")
    r = {**r, "mse_after": m["mse"], "psnr_ae": m["psnr_ae"], "psnr_thumb": m["psnr_thumb"],
         "background": m["background"]}
    _check_background(r, "every held-out digit")
    _check_gain(r, "every held-out digit")
    _check_bottleneck(sub, r["model"], every[:8], every[8:16], "after training")


# -- part 3: thumbnail, and quality against the ratio ---------------------------------------------

def reference_thumbnail(x_nhwc: np.ndarray, ratio: int) -> np.ndarray:
    f = int(round(np.sqrt(ratio)))
    return degrade.upscale_bicubic(degrade.downscale(x_nhwc[..., 0], f), f)[..., None].astype(np.float64)


def _look_alikes(x_nhwc: np.ndarray, ratio: int) -> dict[str, np.ndarray]:
    """Typical wrong thumbnails, to name the mistake when the student's matches one of them."""
    f = int(round(np.sqrt(ratio)))
    grey = x_nhwc[..., 0]
    h, w = grey.shape[1:]
    small = degrade.downscale(grey, f)

    def up(ims: np.ndarray, interpolation: int) -> np.ndarray:
        return np.stack([cv2.resize(im, (w, h), interpolation=interpolation) for im in ims])[..., None]

    out = {
        "nearest-neighbour upscaling (blocky): upscale with bicubic interpolation":
            up(small, cv2.INTER_NEAREST),
        "bilinear upscaling: upscale with bicubic interpolation": np.clip(up(small, cv2.INTER_LINEAR), 0, 1),
        "every f-th pixel kept instead of f x f blocks averaged (aliasing): downscale with area averaging "
        "(avg_pool / INTER_AREA)": np.clip(up(np.ascontiguousarray(grey[:, ::f, ::f]), cv2.INTER_CUBIC), 0, 1),
    }
    if h % ratio == 0 and w % ratio == 0:
        out[f"a downscale by the ratio ({ratio}) instead of its square root ({f}): a factor f in both directions "
            "keeps H*W / f**2 values"] = np.clip(up(degrade.downscale(grey, ratio), cv2.INTER_CUBIC), 0, 1)
    return out


def standard_strides(x: np.ndarray) -> np.ndarray:
    """``x`` in a fresh C-ordered buffer.

    An axis added with ``None`` (the channel of the grey patches) has stride 0, and NumPy calls such an
    array contiguous, so ``np.ascontiguousarray`` keeps it and ``torch.as_tensor`` keeps the stride. PyTorch's
    CUDA kernel of adaptive_avg_pool2d (``F.interpolate(mode="area")``) steps from one (batch, channel) plane
    to the next by the channel stride, so with stride 0 every image is read as the first one (the same edge
    case pytorch/pytorch#116482 fixed for AdaptiveMaxPool). Seen on an H200 with PyTorch 2.11: thumbnails
    10-20 dB away from the grader's for every size and ratio, while the CPU and ``F.avg_pool2d`` matched to
    1e-7. Not a tolerance matter: correct code got odd strides, so the grader hands over standard ones."""
    return np.ascontiguousarray(x).copy()


def _check_thumbnail(sub, x_nhwc: np.ndarray, ratio: int, what: str) -> float:
    x = standard_strides(to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), sub.layout))
    out = expect.shape(sub.call("thumbnail", x, int(ratio)), x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    out = from_layout(out, sub.layout).astype(np.float64)
    expect.in_range(out, 0.0, 1.0, what, "clip the bicubic upscale to [0, 1]: it overshoots near edges")
    expected = reference_thumbnail(x_nhwc, ratio)
    agreement = psnr(out, expected, 1.0)
    if not agreement >= MIN_THUMBNAIL_PSNR:
        hint = "area-downscale by f = sqrt(ratio), then bicubic-upscale by f"
        look = {name: psnr(out, im, 1.0) for name, im in _look_alikes(x_nhwc, ratio).items()}
        best = max(look, key=look.get)
        if look[best] >= 30.0 and look[best] > agreement + 3.0:  # much closer to a typical mistake
            hint = f"it looks like {best}"
        elif np.allclose(out, x_nhwc, atol=1e-6):
            hint = "it returns the images unchanged: " + hint
        raise CheckFailed(f"{what} differs from the grader's area-down, bicubic-up thumbnail (PSNR between them "
                          f"{agreement:.1f} dB, needs at least {MIN_THUMBNAIL_PSNR:g} dB); {hint}")
    return agreement


@EXERCISE.check("ratio", points=1)
def thumbnail_matches(sub, ctx: Context):
    """thumbnail(x, ratio) matches the grader's area-down, bicubic-up baseline (ratios 4 and 16)"""
    x = _digits(16, seed=4)
    notes = []
    for ratio in (4, 16):
        agreement = _check_thumbnail(sub, x, ratio, f"thumbnail(16 digits, {ratio})")
        notes.append(f"ratio {ratio}: {agreement:.1f} dB from the grader's" if agreement < 60
                     else f"ratio {ratio}: same as the grader's")
    return "; ".join(notes)


def _check_ratio_drop(low: dict, high: dict, what: str) -> str:
    note = _check_gain(high, what)
    drop = low["psnr_ae"] - high["psnr_ae"]
    if not drop >= MIN_RATIO_DROP:
        raise CheckFailed(f"{what}: PSNR {low['psnr_ae']:.2f} dB at ratio {low['ratio']} and {high['psnr_ae']:.2f} dB at "
                          f"ratio {high['ratio']}: a code {high['ratio'] // low['ratio']}x smaller should cost at least "
                          f"{MIN_RATIO_DROP:g} dB; does build_autoencoder size the code from `ratio`?")
    return f"PSNR {low['psnr_ae']:.2f} dB at ratio {low['ratio']} -> {high['psnr_ae']:.2f} dB at ratio {high['ratio']}; {note}"


@EXERCISE.check("ratio", points=2)
def quality_falls_with_ratio(sub, ctx: Context):
    """PSNR falls from ratio 16 to 64, and still beats the 2x2 thumbnail at 64"""
    high = _public_run(sub, ctx, HIGH_RATIO)
    integrity.within_budget(high["steps_taken"], high["steps"], f"train_autoencoder(..., steps={high['steps']})")
    return _check_ratio_drop(_public_run(sub, ctx, TRAIN_RATIO), high, f"ratio {HIGH_RATIO}")


@EXERCISE.check("ratio", points=1, hidden=True)
def thumbnail_other_inputs(sub, ctx: Context):
    """thumbnails of other images, sizes and ratios"""
    seed = ctx.seed("thumbnail") % 100_000
    x = images.patches(5, 32, "test", seed=seed)[:, :24, :, None]  # 24x32 natural patches
    _check_thumbnail(sub, x, 4, "thumbnail")
    _check_thumbnail(sub, images.patches(5, 32, "train", seed=seed)[..., None], 64, "thumbnail")
