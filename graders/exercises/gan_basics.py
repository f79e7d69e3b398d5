"""Grader for gan_basics (seeds 000 #1, 001 #3): a DCGAN on 16x16 digits.

Parts: ``models`` (generator and discriminator: shapes, tanh range, raw logits, seeding),
``losses`` (BCE from logits against a float64 reference, term by term, stable for huge logits,
non-saturating generator loss) and ``train`` (the student's loop trains both networks; the grader
then draws its own noise, samples the generator and scores the samples with a pretrained digit
judge, :mod:`fixtures.judge`: a Frechet distance in the judge's feature space to held-out digits,
and how many digit classes the samples cover).

Images cross the boundary in the track's layout (NCHW torch, NHWC Keras). The generator's images
are in [-1, 1] (tanh); the grader maps them to [0, 1] with (x + 1) / 2 before judging. Real images
are handed to ``train_gan`` in [0, 1], as the fixture stores them: rescaling is the student's job.
"""
from __future__ import annotations

import numpy as np

from fixtures import digits, judge

from .. import expect, integrity
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..losses import sigmoid, softplus
from ..submission import StudentCodeError

EXERCISE = Exercise("gan_basics")

LATENT = 16
STEPS = 400             # training steps the grader asks for (batch 32: about 13k images seen)
N_SAMPLES = 400         # generated digits judged per check
BATCH, LR = 32, 2e-3    # passed to train_gan explicitly

# Thresholds, measured with this grader's own code (400 steps, 14 salts torch, 14 tf):
# * references: judge-feature Frechet distance (FD) 3.7-7.6 torch, 3.8-5.9 tf; 7-10 classes
#   covered; pixel std over samples >= 0.15; darkest pixel per image -1.00 (median); D ranks
#   held-out digits above the untrained generator's images 100% of the time.
# * broken loops: D never updated FD 70-75, <= 1 class, pixel std <= 0.02; swapped labels FD 72-89,
#   <= 1 class, ranking 0%; real images left in [0, 1] FD 47-49, 4-6 classes, darkest pixel
#   -0.03..-0.1; sigmoid on D's output FD 24-67, 1-4 classes; D stepped every 5th step with a 5x
#   generator lr FD 31-53, 1-2 classes, pixel std 0.02-0.06; uniform noise in training FD 32-41;
#   the DCGAN paper's lr 2e-4 instead of 2e-3 FD 17-22.
# * integrity (graders.integrity; references torch 3 salts, tf 2): 800 optimizer steps; FD 77 -> 4-8
#   over training (alternatives down to 2.4); with the generator's weights shuffled FD 40-69; no sample within 0.03 RMS of a public
#   digit; in the one-step probe (D's output bias +60) 0.0% of G's weights move by > lr/4.
#   Gaming: real training digits returned as samples FD 0.5-0.9, 100% copies; a leaked D loss
#   (no detach + retain_graph) moves ~all of G's weights by ~lr in the probe (Adam's first step).
#   Not caught: NumPy draws inside @tf.function (the same 32 digits and 32 noise vectors every step)
#   get FD 7.9-9.6, within the references' range; recall in judge features (24% against 26-47%) and
#   D's scores on the training digits do not separate it either at this budget.
FD_MAX = 15.0
FD_FALL = 0.5           # the grader's own measurement: FD after training below half the untrained generator's
MIN_CLASSES = 5
CLASS_SHARE = 0.02      # a class counts as covered when >= 2% of the samples are confidently it
CONFIDENT = 0.5
MIN_PIXEL_STD = 0.06    # mean over pixels of the std over samples, in [0, 1] units
MIN_AUC = 0.9
MAX_BACKGROUND = -0.5  # median over samples of each image's darkest pixel, in [-1, 1] units
COPY_RMS = 0.03        # a sample this close (RMS, [0, 1] units) to a public digit counts as a copy
MAX_COPIES = 0.1
FD_MIN, REFERENCE_FD = 1.2, "2.4-9.6, alternatives included"
MIN_SHUFFLED_FD = 30.0
PROBE_LOGIT = 60.0
MAX_PROBE_MOVED = 0.5


# -- helpers -----------------------------------------------------------------------------------

def _z(n: int, seed: int, latent: int = LATENT, scale: float = 1.0) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal((n, latent)) * scale).astype(np.float32)


def _images(n: int, seed: int, layout: str, split: str = "test") -> np.ndarray:
    """n real digits in [-1, 1] in the submission's layout."""
    x, _ = digits.sample(n, split=split, seed=seed)
    return to_layout((x[..., None] * 2 - 1).astype(np.float32), layout)


def _generate(sub, gen, z: np.ndarray, what: str) -> np.ndarray:
    """The generator's images for z, checked for shape and finiteness, as NHWC (N, 16, 16, 1)."""
    n = len(z)
    out = expect.shape(sub.predict(gen, z), _shape(n, sub.layout), what, sub.layout)
    expect.dtype(out, "f", what)
    expect.finite(out, what)
    return from_layout(out.astype(np.float64), sub.layout)


def _shape(n: int, layout: str) -> tuple[int, int, int, int]:
    return (n, 1, 16, 16) if layout == "NCHW" else (n, 16, 16, 1)


def _logits(sub, disc, images: np.ndarray, what: str) -> np.ndarray:
    out = expect.shape(sub.predict(disc, images), (len(images), 1), what)
    expect.dtype(out, "f", what)
    expect.finite(out, what)
    return out[:, 0].astype(np.float64)


TANH_HINT = "end the generator with tanh so images lie in [-1, 1]"


def _check_range(images: np.ndarray, what: str) -> None:
    expect.in_range(images, -1.0, 1.0, what, TANH_HINT)


# -- part 1: models ----------------------------------------------------------------------------

@EXERCISE.check("models", points=1)
def generator_shape(sub, ctx: Context):
    """generator maps z (N, 16) to images (N, 1, 16, 16) NCHW / (N, 16, 16, 1) NHWC"""
    gen = sub.call("build_generator", LATENT, 0)
    _generate(sub, gen, _z(8, 1), "generator(z) for z of shape (8, 16)")


@EXERCISE.check("models", points=1)
def generator_tanh_range(sub, ctx: Context):
    """generator images lie in [-1, 1] and use all of it (tanh output)"""
    gen = sub.call("build_generator", LATENT, 0)
    _check_range(_generate(sub, gen, _z(64, 2), "generator(z)"), "generator(z)")
    # Large noise drives the last pre-activation far from 0: only a squashing output stays in range.
    big = _generate(sub, gen, _z(64, 3, scale=30.0), "generator(30 * z)")
    _check_range(big, "generator(30 * z)")
    if big.min() > -0.5:
        raise CheckFailed(f"generator(30 * z) never goes below {big.min():.3g}: images must use [-1, 1] "
                          "(tanh), not [0, 1] (sigmoid)")


@EXERCISE.check("models", points=1)
def discriminator_logits(sub, ctx: Context):
    """discriminator maps images to raw logits (N, 1), not probabilities"""
    disc = sub.call("build_discriminator", 0)
    real = _logits(sub, disc, _images(16, 4, sub.layout), "discriminator(images) for 16 images")
    noise = np.random.default_rng(5).standard_normal(_shape(32, sub.layout)).astype(np.float32) * 10
    loud = _logits(sub, disc, noise, "discriminator(10 * noise)")
    everything = np.concatenate([real, loud])
    if everything.min() >= 0.0 and everything.max() <= 1.0:
        raise CheckFailed("discriminator outputs all lie in [0, 1], even for inputs of +-30: it returns "
                          "probabilities (a final sigmoid?); return raw logits, the loss applies the sigmoid")


@EXERCISE.check("models", points=1)
def seeded_construction(sub, ctx: Context):
    """the same seed builds the same networks, another seed different ones"""
    z, x = _z(6, 6), _images(6, 7, sub.layout)
    # Each network is built three times in a row, so one that ignores its seed cannot borrow the
    # framework seed that building the other network just set.
    g_a, g_b, g_c = (_generate(sub, sub.call("build_generator", LATENT, s), z, "generator(z)") for s in (11, 11, 12))
    d_a, d_b, d_c = (_logits(sub, sub.call("build_discriminator", s), x, "discriminator(images)") for s in (11, 11, 12))
    for name, a, b, c in (("build_generator", g_a, g_b, g_c), ("build_discriminator", d_a, d_b, d_c)):
        if not np.array_equal(a, b):
            raise CheckFailed(f"{name}: building twice with seed 11 gave different networks: seed the framework "
                              "(torch.manual_seed / keras.utils.set_random_seed) before creating the layers")
        if np.allclose(a, c):
            raise CheckFailed(f"{name}: seeds 11 and 12 built identical networks: use the seed argument, not a fixed seed")


@EXERCISE.check("models", points=1, hidden=True)
def other_sizes(sub, ctx: Context):
    """networks for another latent size and batch size"""
    rng = np.random.default_rng(ctx.seed("models"))
    latent, n = int(rng.choice([8, 24, 32])), int(rng.integers(3, 7))
    gen = sub.call("build_generator", latent, int(rng.integers(1000)))
    images = _generate(sub, gen, _z(n, int(rng.integers(1000)), latent), "generator(z)")
    _check_range(images, "generator(z)")
    disc = sub.call("build_discriminator", int(rng.integers(1000)))
    _logits(sub, disc, to_layout(images.astype(np.float32), sub.layout), "discriminator(images)")


# -- part 2: losses ----------------------------------------------------------------------------

def _d_expected(r: np.ndarray, f: np.ndarray) -> float:
    return float(np.mean(softplus(-r)) + np.mean(softplus(f)))


def _g_expected(f: np.ndarray) -> float:
    return float(np.mean(softplus(-f)))


def _d_mistakes(r: np.ndarray, f: np.ndarray) -> list[tuple[float, str]]:
    return [
        (float(np.mean(softplus(r)) + np.mean(softplus(-f))), "real and fake labels are swapped (real is 1, fake is 0)"),
        (0.5 * _d_expected(r, f), "this is the average of the two terms; the convention here is their sum"),
        (float(np.sum(softplus(-r)) + np.sum(softplus(f))), "summed over the batch; take the mean"),
        (float(np.mean(softplus(-sigmoid(r))) + np.mean(softplus(sigmoid(f)))),
         "sigmoid applied to the logits before a loss that expects logits (probabilities passed with from_logits)"),
        (float(np.mean(softplus(-r))), "only the real term: add the fake term"),
        (float(np.mean(softplus(f))), "only the fake term: add the real term"),
        (-_d_expected(r, f), "wrong sign: BCE is -log(p), a positive loss"),
    ]


def _g_mistakes(f: np.ndarray) -> list[tuple[float, str]]:
    return [
        (-float(np.mean(softplus(f))), "this is the saturating loss log(1 - D(G(z))); use the non-saturating "
                                        "-log D(G(z)), i.e. BCE with label 1"),
        (float(np.mean(softplus(f))), "labels the fakes 0 (D's target); the generator labels its fakes 1"),
        (float(np.sum(softplus(-f))), "summed over the batch; take the mean"),
        (float(np.mean(softplus(-sigmoid(f)))),
         "sigmoid applied to the logits before a loss that expects logits (probabilities passed with from_logits)"),
        (-_g_expected(f), "wrong sign: BCE is -log(p), a positive loss"),
    ]


def _compare_loss(got, expected: float, mistakes: list[tuple[float, str]], what: str, hint: str = "") -> float:
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


def _logit_batch(rng: np.random.Generator, n: int, loc: float, scale: float) -> np.ndarray:
    return rng.normal(loc, scale, (n, 1)).astype(np.float32)


def _call_d(sub, r: np.ndarray, f: np.ndarray, what: str, hint: str = "") -> float:
    r64, f64 = r.astype(np.float64), f.astype(np.float64)
    return _compare_loss(sub.call("discriminator_loss", r, f), _d_expected(r64, f64), _d_mistakes(r64, f64), what, hint)


def _call_g(sub, f: np.ndarray, what: str, hint: str = "") -> float:
    f64 = f.astype(np.float64)
    return _compare_loss(sub.call("generator_loss", f), _g_expected(f64), _g_mistakes(f64), what, hint)


@EXERCISE.check("losses", points=1)
def discriminator_loss_values(sub, ctx: Context):
    """discriminator_loss matches BCE from logits (real -> 1, fake -> 0)"""
    rng = np.random.default_rng(20)
    r, f = _logit_batch(rng, 16, 0.8, 1.5), _logit_batch(rng, 16, -0.5, 1.2)
    value = _call_d(sub, r, f, "discriminator_loss(real_logits, fake_logits)")
    return f"loss {value:.4f}"


@EXERCISE.check("losses", points=1)
def discriminator_loss_terms(sub, ctx: Context):
    """each term of discriminator_loss on its own"""
    rng = np.random.default_rng(21)
    r, f = _logit_batch(rng, 12, 0.3, 1.0), _logit_batch(rng, 12, 0.2, 1.0)
    sure_fake = np.full((12, 1), -40.0, np.float32)   # softplus(-40) ~ 4e-18: fake term ~ 0
    sure_real = np.full((12, 1), 40.0, np.float32)    # real term ~ 0
    _call_d(sub, r, sure_fake, "discriminator_loss(real_logits, fake_logits=-40)",
            "with the fake term ~0 this is the real term alone: mean(-log sigmoid(real_logits)), label 1")
    _call_d(sub, sure_real, f, "discriminator_loss(real_logits=+40, fake_logits)",
            "with the real term ~0 this is the fake term alone: mean(-log(1 - sigmoid(fake_logits))), label 0")


@EXERCISE.check("losses", points=1)
def generator_loss_values(sub, ctx: Context):
    """generator_loss is the non-saturating loss -log D(G(z))"""
    rng = np.random.default_rng(22)
    f = _logit_batch(rng, 16, -1.0, 1.5)
    value = _call_g(sub, f, "generator_loss(fake_logits)")
    return f"loss {value:.4f}"


@EXERCISE.check("losses", points=1)
def large_logits_are_stable(sub, ctx: Context):
    """both losses are exact for huge logits (+-200)"""
    r = np.array([[200.0], [-200.0], [35.0], [-35.0], [0.5]], np.float32)
    f = np.array([[-200.0], [200.0], [-35.0], [35.0], [-0.5]], np.float32)
    hint = ("huge logits need a loss computed from logits: log(sigmoid(x)) underflows, BCELoss clamps the log "
            "at -100 and Keras clips probabilities to 1e-7")
    _call_d(sub, r, f, "discriminator_loss with logits of +-200", hint)
    _call_g(sub, f, "generator_loss with logits of +-200", hint)


@EXERCISE.check("losses", points=2, hidden=True)
def losses_other_inputs(sub, ctx: Context):
    """both losses on other logits and batch sizes"""
    rng = np.random.default_rng(ctx.seed("losses"))
    for _ in range(2):
        n = int(rng.integers(3, 40))
        r = _logit_batch(rng, n, rng.normal(0, 2), rng.uniform(0.5, 20))
        f = _logit_batch(rng, n, rng.normal(0, 2), rng.uniform(0.5, 20))
        _call_d(sub, r, f, "discriminator_loss")
        _call_g(sub, f, "generator_loss")


# -- part 3: training --------------------------------------------------------------------------

def _sample_stats(images_pm1: np.ndarray) -> dict[str, float]:
    """Judge the generated images (NHWC, [-1, 1]) against held-out real digits."""
    jd = judge.load()
    x = np.clip((images_pm1[..., 0] + 1) / 2, 0, 1)
    probs = jd.predict_proba(x)
    confident = probs.max(1) >= CONFIDENT
    counts = np.bincount(probs.argmax(1)[confident], minlength=10)
    return {"fd": judge.frechet_distance(jd.features(x), _real_features()), "classes": int(np.sum(counts >= CLASS_SHARE * len(x))),
            "confidence": float(probs.max(1).mean()), "pixel_std": float(x.std(0).mean()),
            "copies": _copy_share(x)}


def _real_features() -> np.ndarray:
    test, _ = digits.load_digits("test")
    return judge.load().features(test)


def _public_pool() -> np.ndarray:
    """Every digit a student can reach (train and test splits), flattened, in [0, 1]."""
    images, _ = digits.load_digits("all")
    return images.reshape(len(images), -1).astype(np.float64)


def _copy_share(x01: np.ndarray) -> float:
    """Share of the samples (N, 16, 16) in [0, 1] within COPY_RMS (RMS pixel distance) of a public digit."""
    pool = _public_pool()
    flat = x01.reshape(len(x01), -1)
    d2 = (flat ** 2).sum(1)[:, None] - 2 * flat @ pool.T + (pool ** 2).sum(1)[None, :]
    return float(np.mean(np.sqrt(np.maximum(d2.min(1), 0) / flat.shape[1]) < COPY_RMS))


def _train(sub, ctx: Context) -> dict:
    """Build and train the student's GAN once per grading run; sample before and after."""
    seed = ctx.seed("train")
    gen = sub.call("build_generator", LATENT, seed % 100_000)
    disc = sub.call("build_discriminator", seed % 100_000 + 1)
    z = _z(N_SAMPLES, seed + 1)
    before = _generate(sub, gen, z, "untrained generator(z)")
    g0, d0 = sub.get_weights(gen), sub.get_weights(disc)
    train, _ = digits.load_digits("train")
    real = to_layout(train[..., None].astype(np.float32), sub.layout)
    try:
        history, steps_taken = integrity.train_counting_steps(sub, "train_gan", gen, disc, real, LATENT, STEPS, seed,
                                                              BATCH, LR)
    except StudentCodeError as exc:
        if "backward through the graph a second time" in exc.message:
            raise CheckFailed(exc.message + "; detach the fake images for the discriminator step "
                              "(discriminator(fake.detach())) so D's backward pass does not free the generator's graph") from None
        raise
    g1 = sub.get_weights(gen)
    shuffled = integrity.with_weights(sub, gen, integrity.shuffled_weights(g1, seed),
                                      lambda: _generate(sub, gen, z, "generator(z) with shuffled weights"))
    return {"gen": gen, "disc": disc, "history": history, "steps_taken": steps_taken, "z": z, "before": before,
            "shuffled": shuffled, "g0": g0, "d0": d0, "g1": g1, "d1": sub.get_weights(disc), "seed": seed}


def _trained(sub, ctx: Context) -> dict:
    return ctx.memo("trained", lambda: _train(sub, ctx))


def _trained_stats(sub, ctx: Context) -> dict[str, float]:
    return ctx.memo("sample_stats", lambda: _sample_stats(_trained_samples(sub, ctx)))


def _trained_samples(sub, ctx: Context) -> np.ndarray:
    def compute():
        t = _trained(sub, ctx)
        images = _generate(sub, t["gen"], t["z"], "trained generator(z)")
        _check_range(images, "trained generator(z)")
        return images
    return ctx.memo("samples", compute)


def _history_format(history) -> None:
    """train_gan's return value: (d_losses, g_losses), one finite float per step each. Format only."""
    if not isinstance(history, list) or len(history) != 2:
        raise CheckFailed(f"train_gan returned {type(history).__name__}"
                          + (f" of length {len(history)}" if isinstance(history, list) else "")
                          + "; expected a pair (d_losses, g_losses)")
    for name, values in zip(("d_losses", "g_losses"), history):
        arr = np.asarray(values, dtype=object)
        if isinstance(values, np.ndarray):
            arr = values.reshape(-1)
        if len(arr) != STEPS:
            raise CheckFailed(f"{name} has {len(arr)} entries for {STEPS} steps; append one loss per step")
        try:
            numeric = np.asarray([expect.scalar(v, name) for v in arr], np.float64)
        except CheckFailed:
            raise CheckFailed(f"{name} must hold one float per step (use loss.item() / float(loss))") from None
        expect.finite(numeric, f"train_gan's {name}")


@EXERCISE.check("train", points=1)
def both_networks_updated(sub, ctx: Context):
    """both the discriminator and the generator are trained"""
    t = _trained(sub, ctx)
    for name, before, after, hint in (
            ("discriminator", t["d0"], t["d1"], "is its optimizer stepping on the discriminator's parameters?"),
            ("generator", t["g0"], t["g1"], "is its optimizer stepping on the generator's parameters?")):
        if len(before) != len(after) or not before:
            raise CheckFailed(f"the {name}'s set of weights changed during training, or it has none")
        if all(np.array_equal(a, b) for a, b in zip(before, after)):
            raise CheckFailed(f"the {name}'s weights did not change during training: {hint}")


@EXERCISE.check("train", points=1)
def samples_in_range(sub, ctx: Context):
    """trained generator: finite images in [-1, 1] with the real digits' black (-1) background"""
    images = _trained_samples(sub, ctx)
    darkest = float(np.median(images.reshape(len(images), -1).min(axis=1)))
    if darkest > MAX_BACKGROUND:
        raise CheckFailed(f"the samples' darkest pixel is {darkest:.2f} (median over images), but the real digits' "
                          "black background is -1 once rescaled: are the real images rescaled from [0, 1] to "
                          "[-1, 1] (x * 2 - 1) before the discriminator sees them?")
    return f"samples in [{images.min():.2f}, {images.max():.2f}], darkest pixel per image {darkest:.2f} (median)"


@EXERCISE.check("train", points=1)
def samples_differ(sub, ctx: Context):
    """samples differ from each other (no mode collapse)"""
    stats = _trained_stats(sub, ctx)
    if stats["pixel_std"] < MIN_PIXEL_STD:
        raise CheckFailed(f"the samples are nearly identical (mean pixel std {stats['pixel_std']:.3f}, needs "
                          f"{MIN_PIXEL_STD}): mode collapse. {COLLAPSE_HINT}")
    return f"pixel std over samples {stats['pixel_std']:.3f} (needs {MIN_PIXEL_STD})"


COLLAPSE_HINT = ("Train D every step, as often as G and at the same learning rate, on real (label 1) and "
                 "detached fake (label 0) images, with fresh noise for every batch")


def _judge_samples(sub, ctx: Context, stats: dict[str, float], before_fd: float, shuffled_fd: float) -> str:
    """The samples resemble held-out digits of many classes, come from the generator's weights, and are
    neither copies of public digits nor too good for a 400-step DCGAN."""
    if not stats["fd"] <= FD_MAX:
        raise CheckFailed(
            f"samples are far from real digits: judge Frechet distance {stats['fd']:.1f} (untrained generator "
            f"{before_fd:.1f}, needs at most {FD_MAX:g}); check the labels (real 1, fake 0), that D and G each "
            f"step their own optimizer with lr={LR:g}, and that z is drawn from N(0, I) (randn), as when sampling")
    if stats["classes"] < MIN_CLASSES:
        raise CheckFailed(f"the samples confidently cover only {stats['classes']} digit class(es), needs {MIN_CLASSES}: "
                          f"mode collapse. {COLLAPSE_HINT}")
    if stats["copies"] > MAX_COPIES:
        raise CheckFailed(f"{100 * stats['copies']:.0f}% of the samples are copies of public digits (within {COPY_RMS} "
                          f"RMS of one; at most {100 * MAX_COPIES:.0f}% allowed): the samples must be the generator's, "
                          "not real images")
    if shuffled_fd < MIN_SHUFFLED_FD:
        raise CheckFailed(f"the samples' judge Frechet distance is {stats['fd']:.1f} and still {shuffled_fd:.1f} after "
                          f"the grader shuffled the generator's weights (a generator's samples fall apart, to at least "
                          f"{MIN_SHUFFLED_FD:g}): the samples do not come from the generator's weights")
    integrity.plausible(stats["fd"], FD_MIN, "the judge Frechet distance of the samples", higher_is_better=False,
                        reference=f"{REFERENCE_FD} after {STEPS} steps")
    return (f"judge Frechet distance {stats['fd']:.1f} (untrained {before_fd:.1f}, needs {FD_MIN:g}..{FD_MAX:g}); "
            f"{stats['classes']} of 10 classes covered (needs {MIN_CLASSES}); {shuffled_fd:.1f} with the generator's weights "
            "shuffled")


@EXERCISE.check("train", points=2)
def samples_look_like_digits(sub, ctx: Context):
    """generated digits resemble held-out digits of many classes and come from the generator (judge features)"""
    t = _trained(sub, ctx)
    before = ctx.memo("before_stats", lambda: _sample_stats(np.clip(t["before"], -1, 1)))
    shuffled = ctx.memo("shuffled_stats", lambda: _sample_stats(np.clip(t["shuffled"], -1, 1)))
    return _judge_samples(sub, ctx, _trained_stats(sub, ctx), before["fd"], shuffled["fd"])


@EXERCISE.check("train", points=1)
def returns_loss_history(sub, ctx: Context):
    """one D and one G update per step (counted), (d_losses, g_losses) returned, and the judge distance falls"""
    t = _trained(sub, ctx)
    _history_format(t["history"])  # format only: the point is for what the grader counts and measures
    budget = integrity.within_budget(t["steps_taken"], STEPS, f"train_gan(..., steps={STEPS})", optimizers=2)
    before = ctx.memo("before_stats", lambda: _sample_stats(np.clip(t["before"], -1, 1)))
    fall = integrity.measured_fall(before["fd"], _trained_stats(sub, ctx)["fd"],
                                   "the judge Frechet distance of the samples to held-out digits", factor=FD_FALL)
    return f"{budget}; {fall}"


def _moved_share(before: list[np.ndarray], after: list[np.ndarray], by: float) -> float:
    """Share of the float weight values that moved by more than ``by``."""
    moved = total = 0
    for a, b in zip(before, after):
        if np.asarray(a).dtype.kind == "f":
            moved += int(np.sum(np.abs(np.asarray(b, np.float64) - a) > by))
            total += np.asarray(a).size
    return moved / max(total, 1)


@EXERCISE.check("train", points=1)
def generator_step_uses_its_loss(sub, ctx: Context):
    """the generator steps on its own loss only (one step against a discriminator that calls every image real)"""
    seed = ctx.seed("probe") % 100_000
    gen = sub.call("build_generator", LATENT, seed)
    disc = sub.call("build_discriminator", seed + 1)
    weights = sub.get_weights(disc)
    last_bias = [i for i, w in enumerate(weights) if np.asarray(w).dtype.kind == "f" and np.asarray(w).size == 1]
    if not last_bias:
        return "probe skipped: the discriminator has no output bias to set"
    weights[last_bias[-1]] = np.full_like(weights[last_bias[-1]], PROBE_LOGIT)
    sub.set_weights(disc, weights)
    z = _z(BATCH, seed + 2)
    logits = _logits(sub, disc, to_layout(np.clip(_generate(sub, gen, z, "generator(z)"), -1, 1).astype(np.float32),
                                          sub.layout), "discriminator(generator(z))")
    if np.min(logits) < PROBE_LOGIT / 2:
        return "probe skipped: the discriminator's last weight is not its output bias"
    # -log sigmoid(60) has a gradient of e^-60: an honest generator step barely moves G's weights (Adam's
    # epsilon dwarfs it). D's fake term, softplus(60), has a gradient of 1: leaked into G's step, every
    # weight moves by about lr.
    g0 = sub.get_weights(gen)
    train, _ = digits.sample(4 * BATCH, "train", seed)
    sub.call("train_gan", gen, disc, to_layout(train[..., None].astype(np.float32), sub.layout), LATENT, 1, seed,
             BATCH, LR)
    moved = _moved_share(g0, sub.get_weights(gen), LR / 4)
    if moved > MAX_PROBE_MOVED:
        raise CheckFailed(f"one training step against a discriminator that calls every image real (logit +{PROBE_LOGIT:g}, "
                          f"where -log D(G(z)) has no gradient left) moved {100 * moved:.0f}% of the generator's "
                          f"weights by more than lr/4: the generator's update contains the discriminator's loss. Detach "
                          "the fakes in D's step (discriminator(fake.detach())) and zero G's gradients right before "
                          "G's backward pass (retain_graph=True hides the error, not the leak)")
    return f"{100 * moved:.1f}% of the generator's weights moved by more than lr/4"


@EXERCISE.check("train", points=1)
def discriminator_learned(sub, ctx: Context):
    """the trained discriminator scores held-out real digits above the untrained generator's blobs"""
    t = _trained(sub, ctx)
    real = _logits(sub, t["disc"], _images(N_SAMPLES, t["seed"] + 2, sub.layout), "discriminator(real digits)")
    blobs = _logits(sub, t["disc"], to_layout(np.clip(t["before"], -1, 1).astype(np.float32), sub.layout),
                    "discriminator(untrained generator's images)")
    auc = _auc(real, blobs)
    if auc < MIN_AUC:
        hint = ("it scores them the wrong way round: are the real/fake labels swapped?" if auc < 0.5 else
                "is it trained on real (label 1) and fake (label 0) images every step?")
        raise CheckFailed(f"the discriminator ranks held-out real digits above the untrained generator's images only "
                          f"{100 * auc:.0f}% of the time (needs {100 * MIN_AUC:.0f}%); {hint}")
    return f"real digits ranked above blobs {100 * auc:.0f}% of the time"


def _auc(pos: np.ndarray, neg: np.ndarray) -> float:
    """P(score of a positive > score of a negative), ties counting half."""
    diff = pos[:, None] - neg[None, :]
    return float(np.mean(diff > 0) + 0.5 * np.mean(diff == 0))


@EXERCISE.check("train", points=2, hidden=True)
def other_noise(sub, ctx: Context):
    """the trained generator on other noise vectors"""
    t = _trained(sub, ctx)
    z = _z(N_SAMPLES, ctx.seed("other_noise"))
    images = _generate(sub, t["gen"], z, "trained generator(z)")
    _check_range(images, "trained generator(z)")
    stats = _sample_stats(images)
    if stats["pixel_std"] < MIN_PIXEL_STD:
        raise CheckFailed("generated digits on other noise fall short")
    shuffled = ctx.memo("shuffled_stats", lambda: _sample_stats(np.clip(t["shuffled"], -1, 1)))
    try:
        _judge_samples(sub, ctx, stats, np.nan, shuffled["fd"])
    except CheckFailed:
        raise CheckFailed("generated digits on other noise fall short") from None
