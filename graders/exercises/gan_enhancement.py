"""Grader for gan_enhancement (seeds 000 #17, #24; 001 #17): pix2pix-style low-light enhancement.

Parts: ``models`` (a U-Net generator and a conditional PatchGAN discriminator: shapes, ranges, one
raw logit per patch, the discriminator reads the condition, seeding), ``losses`` (BCE from logits
and the pix2pix generator loss BCE + lambda * L1, against float64 values the grader computes,
term by term) and ``train`` (the student's loop trains both networks on aligned pairs; the grader
then enhances dark patches of *other* photographs with the trained generator and measures SSIM and
PSNR (graders.metrics, data range 1) against the well-exposed originals, next to the dark input's
and the grader's own histogram equalisation's (OpenCV); a second, 8-step run on pairs with white
targets checks that the discriminator step moves D's scores the right way).

Images cross the boundary in the track's layout (NCHW torch, NHWC Keras); the discriminator's
input is the pair stacked along the channel axis (input first). Fixtures: fixtures.gan_enhancement.
"""
from __future__ import annotations

import numpy as np

from fixtures import gan_enhancement as data

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..losses import sigmoid, softplus
from ..metrics import psnr, ssim
from ..submission import StudentCodeError

EXERCISE = Exercise("gan_enhancement")

SIZE = 32                # training and public held-out patch size (SSIM needs at least 32x32)
HIDDEN_SIZE = 48         # hidden held-out patches: another size, other photographs' crops, other noise
N_TRAIN = 512            # aligned training pairs handed to train_enhancer
N_HELDOUT = 48           # held-out pairs the grader enhances
STEPS = 80               # training budget: about 1.3 s (torch) to 2.5 s (tf) of CPU per run for the reference
L1_WEIGHT, BATCH, LR = 100.0, 16, 2e-3   # passed to train_enhancer explicitly
MAX_PARAMS = 50_000      # per network; keeps grading within seconds
LOCALITY = 0.2           # far patches' logit change at most this fraction of the near ones' (PatchGAN)
# Minimum gains on held-out dark patches, measured with this grader's own code (80 steps, salts
# seed-0..5 per track; public = 48 patches of 32x32, hidden = 24 of 48x48):
# * references: PSNR over the input +12.8..+14.1 (public) / +11.7..+14.3 (hidden), over histogram
#   equalisation +8.5..+9.6 / +7.6..+10.2; SSIM over equalisation +0.25..+0.41 / +0.29..+0.45
#   (SSIM 0.62..0.73 against 0.27..0.40 for equalisation).
# * broken loops: unaligned pairs (separate index draws) +1.7..+3.5 dB and -0.05..+0.09 SSIM over
#   equalisation, output contrast 0.41..0.45 of the target's; adversarial term only (no L1)
#   +1.7..+5.0 dB, -0.06..+0.12 SSIM; input and target swapped (learns to darken) far below the
#   dark input itself.
THRESHOLDS = {
    "psnr_over_input": 8.0,   # dB over the dark input
    "psnr_over_he": 6.0,      # dB over histogram equalisation
    "ssim_over_he": 0.18,     # SSIM over histogram equalisation
}
MIN_STD_RATIO = 0.7      # output's contrast relative to the target's (references 0.89..1.44)
# The discriminator probe (train.discriminator_learns): PROBE_STEPS steps of the student's loop on
# N_PROBE pairs with white targets; D's logit margin between held-out (input, white) pairs and the
# untrained generator's pairs must grow by MIN_D_GAIN (references +0.28..+0.70 over salts seed-0..5 and
# public, both tracks; real and fake labels swapped in the D step -0.29..-0.65; D never stepped 0).
# A D trained over STEPS steps on the real task stays near chance (the L1 term makes the fakes good
# within ~20 steps), so it cannot be judged there.
PROBE_STEPS, N_PROBE = 8, 64
# Integrity (graders.integrity, references 2 salts per track): 160 optimizer steps counted; held-out L1
# 0.135-0.146 -> 0.064-0.067; with the generator's weights shuffled the PSNR gain over the dark input
# drops from +13.4..+13.6 dB to +6.9..+7.4 dB (a sigmoid output near 0.5 is still brighter than the dark
# input); a private copy of the trained generator, out of set_weights' reach, keeps its +13.5 dB.
L1_FALL = 0.8               # held-out L1 error after training below this fraction of the untrained generator's
MAX_SHUFFLED_GAIN_DB = 10.0  # PSNR gain over the dark input with the generator's weights shuffled
MIN_D_GAIN = 0.1


# -- helpers -----------------------------------------------------------------------------------

def _pairs_nhwc(low: np.ndarray, other: np.ndarray) -> np.ndarray:
    """(N, H, W) or (N, H, W, 1) input and image -> (N, H, W, 2) NHWC pairs, input first."""
    low = low if low.ndim == 4 else low[..., None]
    other = other if other.ndim == 4 else other[..., None]
    return np.concatenate([low, other], axis=-1).astype(np.float32)


def _enhance(sub, gen, low_nhwc: np.ndarray, what: str) -> np.ndarray:
    """The generator's output on NHWC grey images, checked for shape, dtype and finiteness; NHWC float64."""
    x = to_layout(np.ascontiguousarray(low_nhwc, dtype=np.float32), sub.layout)
    out = expect.array(sub.predict(gen, x), what)
    if out.ndim == 4 and out.shape != x.shape:
        spatial = (2, 3) if sub.layout == "NCHW" else (1, 2)
        if all(out.shape[i] == x.shape[i] for i in range(4) if i not in spatial):
            raise CheckFailed(f"{what}: expected shape {x.shape} ({sub.layout}), got {out.shape}: the generator must "
                              "give back an image of the input's size; kernel 4, stride 2, padding 1 halves (Conv) "
                              "and doubles (ConvTranspose) it exactly")
    out = expect.shape(out, x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _patch_shape(n: int, h: int, w: int, layout: str) -> tuple[int, int, int, int]:
    return (n, 1, h // 4, w // 4) if layout == "NCHW" else (n, h // 4, w // 4, 1)


def _discriminate(sub, disc, pairs_nhwc: np.ndarray, what: str) -> np.ndarray:
    """D's patch logits on NHWC pairs, checked; returned as (N, h, w) float64."""
    n, h, w, _ = pairs_nhwc.shape
    x = to_layout(np.ascontiguousarray(pairs_nhwc, dtype=np.float32), sub.layout)
    try:
        out = sub.predict(disc, x)
    except StudentCodeError as exc:
        if "channel" in exc.message.lower() or "shape" in exc.message.lower():
            raise CheckFailed(f"{exc.message}; the discriminator reads the low-light input and an image stacked "
                              f"along the channel axis, shape {x.shape} ({sub.layout}): 2 input channels") from None
        raise
    out = expect.array(out, what)
    expected = _patch_shape(n, h, w, sub.layout)
    if out.shape != expected and out.ndim <= 2 and out.shape[0] == n:
        raise CheckFailed(f"{what}: expected one logit per patch, shape {expected} ({sub.layout}), got {out.shape}: "
                          "a PatchGAN ends with a convolution to 1 channel, without Flatten/Dense/global pooling")
    out = expect.shape(out, expected, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout)[..., 0].astype(np.float64)


def _dark(n: int, size: int, seed: int, split: str = "test") -> tuple[np.ndarray, np.ndarray]:
    """n (low, high) grey pairs as NHWC (N, size, size, 1)."""
    low, high = data.pairs(n, size, split, seed=seed)
    return low[..., None], high[..., None]


# -- part 1: models ----------------------------------------------------------------------------

@EXERCISE.check("models", points=1)
def generator_output(sub, ctx: Context):
    """generator maps (N, 1, 32, 32) NCHW / (N, 32, 32, 1) NHWC dark images to images in [0, 1]"""
    gen = sub.call("build_generator", 0)
    low, _ = _dark(8, SIZE, 0)
    out = _enhance(sub, gen, low, "build_generator(0) applied to 8 dark 32x32 images")
    expect.in_range(out, 0.0, 1.0, "the generator's output", "end the generator with a sigmoid")
    rng = np.random.default_rng(1)
    loud = _enhance(sub, gen, rng.uniform(-10, 10, (4, SIZE, SIZE, 1)), "the generator on inputs in [-10, 10]")
    expect.in_range(loud, 0.0, 1.0, "the generator's output on inputs in [-10, 10]",
                    "end the generator with a sigmoid so its output is an image in [0, 1] like the targets")
    return f"output shape {to_layout(out, sub.layout).shape} ({sub.layout})"


@EXERCISE.check("models", points=1)
def discriminator_patch_logits(sub, ctx: Context):
    """discriminator maps (input, image) pairs to raw logits, one per patch: (N, 1, 8, 8) / (N, 8, 8, 1)"""
    disc = sub.call("build_discriminator", 0)
    low, high = _dark(8, SIZE, 2)
    real = _discriminate(sub, disc, _pairs_nhwc(low, high), "build_discriminator(0) applied to 8 pairs of 32x32")
    loud = np.random.default_rng(3).standard_normal((16, SIZE, SIZE, 2)).astype(np.float32) * 10
    noisy = _discriminate(sub, disc, loud, "the discriminator on pairs of 10 * N(0, 1) noise")
    everything = np.concatenate([real.ravel(), noisy.ravel()])
    if everything.min() >= 0.0 and everything.max() <= 1.0:
        raise CheckFailed("the discriminator's outputs all lie in [0, 1], even for inputs of +-30: it returns "
                          "probabilities (a final sigmoid?); return raw logits, the loss applies the sigmoid")
    return f"logits shape {_patch_shape(8, SIZE, SIZE, sub.layout)} ({sub.layout})"


@EXERCISE.check("models", points=1)
def discriminator_is_conditional(sub, ctx: Context):
    """the discriminator reads the condition (the dark input) and scores patches locally"""
    disc = sub.call("build_discriminator", 0)
    low, high = _dark(6, SIZE, 4)
    other_low, _ = _dark(6, SIZE, 5)
    base = _discriminate(sub, disc, _pairs_nhwc(low, high), "discriminator(input, image)")
    cond = _discriminate(sub, disc, _pairs_nhwc(other_low, high), "discriminator(other input, same image)")
    if np.max(np.abs(base - cond)) < 1e-5:
        raise CheckFailed("changing only the condition (channel 0, the dark input) leaves the discriminator's logits "
                          "unchanged: a conditional discriminator must read the input as well as the image "
                          "(pix2pix's D sees both, stacked along the channel axis)")
    image = _discriminate(sub, disc, _pairs_nhwc(low, np.clip(high[::-1], 0, 1)), "discriminator(same input, other image)")
    if np.max(np.abs(base - image)) < 1e-5:
        raise CheckFailed("changing only the image (channel 1) leaves the discriminator's logits unchanged: "
                          "it must judge the image, with the input as its condition")
    # Locality: a change in the top-left corner of a 64x64 pair must barely reach the bottom-right patches
    # (normalisation layers such as InstanceNorm may pass on a trace of it through their statistics).
    big_low, big_high = _dark(2, 64, 6)
    pairs = _pairs_nhwc(big_low, big_high)
    changed = pairs.copy()
    changed[:, :8, :8, :] = 1.0 - changed[:, :8, :8, :]
    diff = np.abs(_discriminate(sub, disc, pairs, "discriminator on 64x64 pairs")
                  - _discriminate(sub, disc, changed, "discriminator on 64x64 pairs"))
    near, far = float(diff[:, :2, :2].max()), float(diff[:, 12:, 12:].max())
    if not far <= LOCALITY * near:
        raise CheckFailed(f"changing the top-left 8x8 pixels of a 64x64 pair changes the bottom-right patches' logits "
                          f"by {far:.3g} (the top-left ones by {near:.3g}): each logit must see only a patch of the "
                          "image (a PatchGAN: convolutions only, no global pooling or Dense layer)")
    return "logits change with the input and with the image; each logit sees a local patch"


@EXERCISE.check("models", points=1)
def small_and_seeded(sub, ctx: Context):
    """small networks whose initial weights depend on the seed only"""
    n_g = model_checks.small_and_seeded(sub, "build_generator", MAX_PARAMS)
    n_d = model_checks.small_and_seeded(sub, "build_discriminator", MAX_PARAMS)
    return f"generator {n_g}, discriminator {n_d} parameters"


@EXERCISE.check("models", points=1, hidden=True)
def other_sizes(sub, ctx: Context):
    """both networks on other batch and image sizes (fully convolutional)"""
    rng = np.random.default_rng(ctx.seed("models"))
    n, h, w = int(rng.integers(2, 6)), int(rng.choice([40, 48])), int(rng.choice([56, 64]))
    low, high = data.pairs(n, 64, "test", seed=int(rng.integers(1000)))
    low, high = low[:, :h, :w, None], high[:, :h, :w, None]
    out = _enhance(sub, sub.call("build_generator", int(rng.integers(1000))), low, "the generator")
    expect.in_range(out, 0.0, 1.0, "the generator's output")
    _discriminate(sub, sub.call("build_discriminator", int(rng.integers(1000))), _pairs_nhwc(low, out), "the discriminator")


# -- part 2: losses ----------------------------------------------------------------------------

def _d_expected(r: np.ndarray, f: np.ndarray) -> float:
    return float(np.mean(softplus(-r)) + np.mean(softplus(f)))


def _g_expected(f: np.ndarray, fake: np.ndarray, target: np.ndarray, lam: float) -> float:
    return float(np.mean(softplus(-f)) + lam * np.mean(np.abs(fake - target)))


def _d_mistakes(r: np.ndarray, f: np.ndarray) -> list[tuple[float, str]]:
    return [
        (float(np.mean(softplus(r)) + np.mean(softplus(-f))), "real and fake labels are swapped (real pairs 1, fake 0)"),
        (0.5 * _d_expected(r, f), "this is the average of the two terms; the convention here is their sum"),
        (float(np.sum(softplus(-r)) + np.sum(softplus(f))), "summed over the patches; take the mean"),
        (float(np.mean(softplus(-sigmoid(r))) + np.mean(softplus(sigmoid(f)))),
         "sigmoid applied to the logits before a loss that expects logits"),
    ]


def _g_mistakes(f: np.ndarray, fake: np.ndarray, target: np.ndarray, lam: float) -> list[tuple[float, str]]:
    adv, l1 = float(np.mean(softplus(-f))), float(np.mean(np.abs(fake - target)))
    mse = float(np.mean((fake - target) ** 2))
    return [
        (adv + lam * mse, "that is the squared error (MSE); pix2pix uses the L1 distance, mean |fake - target|"),
        (float(np.mean(softplus(f))) + lam * l1, "the adversarial term labels the fakes 0; the generator labels its fakes 1 (it wants D to say real)"),
        (adv + l1, "the L1 term is not multiplied by l1_weight"),
        (lam * adv + l1, "l1_weight multiplies the adversarial term instead of the L1 term"),
        (adv, "the L1 term (l1_weight * mean |fake - target|) is missing"),
        (lam * l1, "the adversarial term BCE(fake_logits, 1) is missing"),
        (float(np.sum(softplus(-f))) + lam * l1, "the adversarial term is summed over the patches; take the mean"),
        (adv + lam * float(np.sum(np.abs(fake - target))), "the L1 term is summed over the pixels; take the mean"),
        (float(np.mean(softplus(-sigmoid(f)))) + lam * l1, "sigmoid applied to the logits before a loss that expects logits"),
    ]


def _compare(got, expected: float, mistakes: list[tuple[float, str]], what: str, hint: str = "") -> float:
    value = expect.scalar(got, what)
    if np.isfinite(value) and abs(value - expected) <= 1e-5 + 2e-5 * abs(expected):
        return value
    if not np.isfinite(value):
        raise CheckFailed(f"{what} is {value}: log(sigmoid(x)) underflows for large |x|; compute BCE from "
                          "logits (binary_cross_entropy_with_logits / from_logits=True)")
    for candidate, message in mistakes:
        if abs(value - candidate) <= 1e-4 + 1e-4 * abs(candidate):
            raise CheckFailed(f"{what} = {value:.6g}, expected {expected:.6g}: {message}")
    raise CheckFailed(f"{what} = {value:.6g}, expected {expected:.6g}" + (f"; {hint}" if hint else ""))


def _logit_maps(rng: np.random.Generator, n: int, hw: tuple[int, int], loc: float, scale: float, layout: str) -> np.ndarray:
    return rng.normal(loc, scale, _patch_shape(n, 4 * hw[0], 4 * hw[1], layout)).astype(np.float32)


def _images_pair(rng: np.random.Generator, n: int, h: int, w: int, layout: str) -> tuple[np.ndarray, np.ndarray]:
    target = rng.uniform(0, 1, (n, h, w, 1)).astype(np.float32)
    fake = np.clip(target + rng.normal(0, 0.2, target.shape), 0, 1).astype(np.float32)
    return to_layout(fake, layout), to_layout(target, layout)


def _call_d(sub, r: np.ndarray, f: np.ndarray, what: str, hint: str = "") -> float:
    r64, f64 = r.astype(np.float64), f.astype(np.float64)
    return _compare(sub.call("discriminator_loss", r, f), _d_expected(r64, f64), _d_mistakes(r64, f64), what, hint)


def _call_g(sub, f: np.ndarray, fake: np.ndarray, target: np.ndarray, lam: float, what: str, hint: str = "") -> float:
    args = [a.astype(np.float64) for a in (f, fake, target)]
    return _compare(sub.call("generator_loss", f, fake, target, float(lam)), _g_expected(*args, lam),
                    _g_mistakes(*args, lam), what, hint)


@EXERCISE.check("losses", points=1)
def discriminator_loss_values(sub, ctx: Context):
    """discriminator_loss is BCE from logits over all patches (real pairs 1, fake pairs 0)"""
    rng = np.random.default_rng(20)
    r = _logit_maps(rng, 4, (8, 8), 0.8, 1.5, sub.layout)
    f = _logit_maps(rng, 4, (8, 8), -0.5, 1.2, sub.layout)
    return f"loss {_call_d(sub, r, f, 'discriminator_loss(real_logits, fake_logits)'):.4f}"


@EXERCISE.check("losses", points=1)
def generator_loss_values(sub, ctx: Context):
    """generator_loss is BCE(fake_logits, 1) + l1_weight * mean |fake - target|"""
    rng = np.random.default_rng(21)
    f = _logit_maps(rng, 4, (8, 8), -1.0, 1.5, sub.layout)
    fake, target = _images_pair(rng, 4, SIZE, SIZE, sub.layout)
    value = _call_g(sub, f, fake, target, 100.0, "generator_loss(fake_logits, fake, target, l1_weight=100)")
    return f"loss {value:.4f}"


@EXERCISE.check("losses", points=1)
def generator_loss_terms(sub, ctx: Context):
    """each term of generator_loss on its own"""
    rng = np.random.default_rng(22)
    f = _logit_maps(rng, 3, (8, 8), 0.3, 1.0, sub.layout)
    fake, target = _images_pair(rng, 3, SIZE, SIZE, sub.layout)
    sure_real = np.full_like(f, 40.0)     # softplus(-40) ~ 4e-18: the adversarial term ~ 0
    _call_g(sub, sure_real, fake, target, 1.0, "generator_loss(fake_logits=+40, fake, target, l1_weight=1)",
            "with the adversarial term ~0 and l1_weight 1 this is the L1 term alone: mean |fake - target|")
    _call_g(sub, sure_real, fake, target, 7.0, "generator_loss(fake_logits=+40, fake, target, l1_weight=7)",
            "with the adversarial term ~0 this is l1_weight * mean |fake - target|")
    _call_g(sub, f, target, target, 100.0, "generator_loss(fake_logits, fake=target, target, l1_weight=100)",
            "with fake == target the L1 term is 0: this is the adversarial term alone, mean -log sigmoid(fake_logits)")


@EXERCISE.check("losses", points=1)
def large_logits_are_stable(sub, ctx: Context):
    """both losses are exact for huge logits (+-200)"""
    r = np.array([200.0, -200.0, 35.0, -35.0], np.float32).reshape(_patch_shape(1, 8, 8, sub.layout))
    f = -r
    fake, target = _images_pair(np.random.default_rng(23), 1, 8, 8, sub.layout)
    hint = ("huge logits need a loss computed from logits: log(sigmoid(x)) underflows, BCELoss clamps the log "
            "at -100 and Keras clips probabilities to 1e-7")
    _call_d(sub, r, f, "discriminator_loss with logits of +-200", hint)
    _call_g(sub, f, fake, target, 10.0, "generator_loss with logits of +-200", hint)


@EXERCISE.check("losses", points=2, hidden=True)
def losses_other_inputs(sub, ctx: Context):
    """both losses on other logits, images, batch sizes and weights"""
    rng = np.random.default_rng(ctx.seed("losses"))
    for _ in range(2):
        n, hw = int(rng.integers(2, 7)), (int(rng.integers(2, 9)), int(rng.integers(2, 9)))
        r = _logit_maps(rng, n, hw, rng.normal(0, 2), rng.uniform(0.5, 20), sub.layout)
        f = _logit_maps(rng, n, hw, rng.normal(0, 2), rng.uniform(0.5, 20), sub.layout)
        fake, target = _images_pair(rng, n, 4 * hw[0], 4 * hw[1], sub.layout)
        _call_d(sub, r, f, "discriminator_loss")
        _call_g(sub, f, fake, target, float(rng.uniform(1, 200)), "generator_loss")


# -- part 3: training --------------------------------------------------------------------------

def _train(sub, ctx: Context) -> dict:
    """Build the student's networks and train them once per grading run with train_enhancer."""
    seed = ctx.seed("train") % 100_000
    low, high = data.pairs(N_TRAIN, SIZE, "train", seed=seed)
    sub.seed(seed)
    gen = sub.call("build_generator", seed)
    disc = sub.call("build_discriminator", seed + 1)
    g0, d0 = sub.get_weights(gen), sub.get_weights(disc)
    held_low, held_high = _dark(N_HELDOUT, SIZE, seed + 7919)
    l1_before = _l1(_enhance(sub, gen, held_low, "the untrained generator on held-out dark patches"), held_high)
    try:
        history, steps_taken = integrity.train_counting_steps(
            sub, "train_enhancer", gen, disc, to_layout(low[..., None], sub.layout),
            to_layout(high[..., None], sub.layout), STEPS, seed, L1_WEIGHT, BATCH, LR)
    except StudentCodeError as exc:
        if "backward through the graph a second time" in exc.message:
            raise CheckFailed(exc.message + "; detach the fake images for the discriminator step "
                              "(discriminator(torch.cat([x, fake.detach()], 1))) so D's backward pass does not free "
                              "the generator's graph") from None
        raise
    g1 = sub.get_weights(gen)
    shuffled = integrity.with_weights(sub, gen, integrity.shuffled_weights(g1, seed), lambda: measure(
        sub, gen, held_low, held_high, "the generator with shuffled weights on held-out dark patches", check_range=False))
    return {"gen": gen, "disc": disc, "history": history, "steps_taken": steps_taken, "seed": seed,
            "l1_before": l1_before, "shuffled": shuffled,
            "g0": g0, "d0": d0, "g1": g1, "d1": sub.get_weights(disc)}


def _l1(out: np.ndarray, target: np.ndarray) -> float:
    return float(np.mean(np.abs(out - target)))


def _trained(sub, ctx: Context) -> dict:
    return ctx.memo("trained", lambda: _train(sub, ctx))


def measure(sub, gen, low: np.ndarray, high: np.ndarray, what: str, check_range: bool = True) -> dict:
    """PSNR and SSIM of the generator's output, the dark input and histogram equalisation (NHWC grey)."""
    out = _enhance(sub, gen, low, what)
    if check_range:
        expect.in_range(out, 0.0, 1.0, what, "end the generator with a sigmoid")
    out = np.clip(out, 0.0, 1.0)
    he = data.equalize(low[..., 0])[..., None]
    std_ratio = float(np.mean(out.std(axis=(1, 2, 3)) / (high.std(axis=(1, 2, 3)) + 1e-6)))
    return {
        "psnr_out": psnr(out, high, 1.0), "psnr_in": psnr(low, high, 1.0), "psnr_he": psnr(he, high, 1.0),
        "ssim_out": ssim(out, high, 1.0), "ssim_in": ssim(low, high, 1.0), "ssim_he": ssim(he, high, 1.0),
        "std_ratio": std_ratio, "mean_out": float(out.mean()), "mean_in": float(low.mean()),
        "mean_high": float(high.mean()), "l1": _l1(out, high),
    }


def _public_metrics(sub, ctx: Context) -> dict:
    def compute():
        t = _trained(sub, ctx)
        low, high = _dark(N_HELDOUT, SIZE, t["seed"] + 7919)
        return measure(sub, t["gen"], low, high, "the trained generator on held-out dark patches")
    return ctx.memo("public_metrics", compute)


def _diagnosis(m: dict) -> str:
    """The likely cause when the trained generator does not enhance, from what the grader measured."""
    if m["mean_out"] < m["mean_in"] + 0.5 * (m["mean_high"] - m["mean_in"]):
        return ("the output stays dark: is the generator trained towards the well-exposed TARGET (high), "
                "with the dark images as its input, and not the other way round?")
    if m["std_ratio"] < MIN_STD_RATIO:
        return (f"the output has only {100 * m['std_ratio']:.0f}% of the target's contrast (a washed-out average "
                "of the targets): are low[i] and high[i] taken at the same indices (pix2pix needs aligned pairs), "
                "and is the L1 term (l1_weight * mean |G(x) - y| against the target) in the generator's loss?")
    return ("the output does not follow the target tone for tone: is the L1 term (l1_weight * mean |G(x) - y| "
            "against the target) in the generator's loss, with the l1_weight passed in?")


def _check_psnr(m: dict, what: str) -> str:
    over_in, over_he = m["psnr_out"] - m["psnr_in"], m["psnr_out"] - m["psnr_he"]
    need_in, need_he = THRESHOLDS["psnr_over_input"], THRESHOLDS["psnr_over_he"]
    if not (over_in >= need_in and over_he >= need_he):
        raise CheckFailed(f"{what}: PSNR {m['psnr_out']:.2f} dB, dark input {m['psnr_in']:.2f} dB, histogram "
                          f"equalisation {m['psnr_he']:.2f} dB; needs +{need_in:g} dB over the input and +{need_he:g} dB "
                          f"over equalisation; {_diagnosis(m)}")
    return (f"PSNR {m['psnr_out']:.2f} dB: {over_in:+.2f} over the dark input ({m['psnr_in']:.2f}, needs +{need_in:g}), "
            f"{over_he:+.2f} over histogram equalisation ({m['psnr_he']:.2f}, needs +{need_he:g})")


def _check_ssim(m: dict, what: str) -> str:
    over_he, need = m["ssim_out"] - m["ssim_he"], THRESHOLDS["ssim_over_he"]
    if not (over_he >= need and m["ssim_out"] > m["ssim_in"]):
        raise CheckFailed(f"{what}: SSIM {m['ssim_out']:.3f}, dark input {m['ssim_in']:.3f}, histogram equalisation "
                          f"{m['ssim_he']:.3f}; needs +{need:g} over equalisation; {_diagnosis(m)}")
    return f"SSIM {m['ssim_out']:.3f} (dark input {m['ssim_in']:.3f}, histogram equalisation {m['ssim_he']:.3f}, needs +{need:g})"


@EXERCISE.check("train", points=1)
def returns_loss_history(sub, ctx: Context):
    """trains both networks, one D and one G update per step (counted); the returned losses are format only"""
    t = _trained(sub, ctx)
    history = t["history"]
    if not isinstance(history, list) or len(history) != 2:
        raise CheckFailed(f"train_enhancer returned {type(history).__name__}"
                          + (f" of length {len(history)}" if isinstance(history, list) else "")
                          + "; expected a pair (d_losses, g_losses)")
    for name, values in zip(("d_losses", "g_losses"), history):   # format only: no point of its own
        model_checks.loss_history(values, STEPS, f"train_enhancer's {name}")
    for name, before, after, hint in (
            ("discriminator", t["d0"], t["d1"], "is its optimizer stepping on the discriminator's parameters?"),
            ("generator", t["g0"], t["g1"], "is its optimizer stepping on the generator's parameters?")):
        if len(before) != len(after) or not before:
            raise CheckFailed(f"the {name}'s set of weights changed during training, or it has none")
        if all(np.array_equal(a, b) for a, b in zip(before, after)):
            raise CheckFailed(f"the {name}'s weights did not change during training: {hint}")
    return integrity.within_budget(t["steps_taken"], STEPS, f"train_enhancer(..., steps={STEPS})", optimizers=2)


@EXERCISE.check("train", points=2)
def ssim_beats_baselines(sub, ctx: Context):
    """enhances photographs it never saw: SSIM above histogram equalisation's"""
    return _check_ssim(_public_metrics(sub, ctx), "held-out dark patches")


@EXERCISE.check("train", points=1)
def psnr_beats_baselines(sub, ctx: Context):
    """enhances photographs it never saw: PSNR above the dark input's and histogram equalisation's"""
    t = _trained(sub, ctx)
    m, shuffled = _public_metrics(sub, ctx), t["shuffled"]
    note = _check_psnr(m, "held-out dark patches")
    fall = integrity.measured_fall(t["l1_before"], m["l1"], "the L1 error the grader measures on held-out dark "
                                   "patches", factor=L1_FALL)
    integrity.from_the_model(m["psnr_out"] - m["psnr_in"], shuffled["psnr_out"] - shuffled["psnr_in"],
                             MAX_SHUFFLED_GAIN_DB, "the PSNR gain over the dark input", unit=" dB")
    return f"{note}; {fall}; {shuffled['psnr_out'] - shuffled['psnr_in']:+.2f} dB with the generator's weights shuffled"


def _d_probe(sub, ctx: Context) -> dict:
    """A short, separate run of train_enhancer on pairs whose targets are plain white images, which real
    pairs and the untrained generator's grey outputs tell apart at once: does the discriminator step
    move D the right way? Measured by the grader on held-out inputs, against the untrained generator."""
    seed = ctx.seed("d_probe") % 100_000
    low, _ = data.pairs(N_PROBE, SIZE, "train", seed=seed)
    held_low, _ = _dark(N_HELDOUT, SIZE, seed + 1)
    white = np.ones_like(held_low)
    gen = sub.call("build_generator", seed)
    disc = sub.call("build_discriminator", seed + 1)
    fake = _enhance(sub, gen, held_low, "the untrained generator on held-out dark patches")

    def margin() -> float:
        real = _discriminate(sub, disc, _pairs_nhwc(held_low, white), "the discriminator on (input, white) pairs")
        made = _discriminate(sub, disc, _pairs_nhwc(held_low, fake), "the discriminator on generated pairs")
        return float(real.mean() - made.mean())

    before = margin()
    sub.call("train_enhancer", gen, disc, to_layout(low[..., None], sub.layout),
             to_layout(np.ones_like(low[..., None]), sub.layout), PROBE_STEPS, seed,
             l1_weight=L1_WEIGHT, batch_size=BATCH, lr=LR)
    return {"gain": margin() - before}


@EXERCISE.check("train", points=1)
def discriminator_learns(sub, ctx: Context):
    """the discriminator step raises D's scores of real pairs relative to generated ones"""
    gain = ctx.memo("d_probe", lambda: _d_probe(sub, ctx))["gain"]
    if not gain >= MIN_D_GAIN:
        hint = ("it moved the wrong way: are the real/fake labels swapped in the discriminator step (real pairs "
                "label 1, generated pairs label 0)?" if gain < 0 else
                "is the discriminator updated every step on real pairs (label 1) and generated pairs (label 0)?")
        raise CheckFailed(f"after {PROBE_STEPS} steps of train_enhancer on pairs with plain white targets, the "
                          f"discriminator's mean logit on (input, white) pairs minus that on the untrained generator's "
                          f"pairs changed by {gain:+.3f} (needs at least +{MIN_D_GAIN:g}); {hint}")
    return f"D's real-minus-generated logit margin grew by {gain:+.3f} in {PROBE_STEPS} steps (needs +{MIN_D_GAIN:g})"


@EXERCISE.check("train", points=2, hidden=True)
def other_photographs(sub, ctx: Context):
    """the trained generator on other held-out photographs' patches, of another size"""
    t = _trained(sub, ctx)
    low, high = _dark(N_HELDOUT // 2, HIDDEN_SIZE, ctx.seed("other_photographs") % 100_000)
    m = measure(sub, t["gen"], low, high, "the trained generator")
    _check_ssim(m, "other held-out patches")
    _check_psnr(m, "other held-out patches")
    shuffled = integrity.with_weights(sub, t["gen"], integrity.shuffled_weights(t["g1"], t["seed"] + 1), lambda: measure(
        sub, t["gen"], low, high, "the generator with shuffled weights", check_range=False))
    if shuffled["psnr_out"] - shuffled["psnr_in"] > MAX_SHUFFLED_GAIN_DB:
        raise CheckFailed("the output on other held-out patches does not come from the generator's weights")
