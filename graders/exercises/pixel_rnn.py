"""Grader for pixel_rnn (seed 000 #10): a PixelCNN on binarised 16x16 digits.

Parts: ``causal_mask`` (compared with the grader's own numpy masks, with the likely mistake named),
``build`` (the grader probes causality itself: it flips one pixel j of binary images and requires
the logits at every position i <= j in raster order to stay put, and the ones right after j to
move), ``bits_per_dim`` (against a float64 numpy BCE in bits, term by term and for huge logits),
``train`` (the student's loop trains the student's model; the grader checks it is still causal,
then computes held-out bits/dim from the model's logits with its own numpy and compares them with
a coin flip and with an independent-pixel model it fits itself) and ``sample`` (raster-order
sampling: the grader runs the trained model on the samples and tests that every pixel was drawn
with the probability the model gives it in its context, a calibration test that holds exactly for
correct sampling whatever the model).

Images cross the boundary in the track's layout (NCHW torch, NHWC Keras) as float32 in {0, 1};
logits come back in the same layout.
"""
from __future__ import annotations

import numpy as np

from fixtures import digits

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..losses import softplus

EXERCISE = Exercise("pixel_rnn")

SIZE = 16
STEPS = 150              # training budget: about 1.5 s of CPU for the reference (torch)
MAX_PARAMS = 50_000
LN2 = np.log(2.0)
# Causality: a logit "moves" when it changes by more than CAUSAL_RTOL * (|logit| + 0.1). Measured on
# untrained references (3 seeds per track, 16x16 and 11x21): logits before the flipped pixel move by
# 0 (torch CPU) or <= 7.5e-9 (Keras CPU, rounding) against a tolerance of >= 1e-7; the logit right
# after it moves by 7e-5..5e-4 (median), so a leak through one masked weight is far above it.
CAUSAL_RTOL = 1e-6
MIN_CONTEXT_SHARE = 0.5  # probes in which the right (or lower) neighbour's logit must move
# Held-out bits/dim after STEPS steps on fixtures.digits binarised at 0.5 (test split, 449 digits),
# measured with this grader's train_and_measure: references 0.262..0.283 (torch, 8 seeds) and
# 0.258..0.268 (Keras, 8 seeds); independent pixels 0.538; untrained models 0.95..1.09; the target
# shifted by one pixel 0.542..0.548; a sigmoid output fed to a loss on logits 0.96..1.00 (3 seeds
# each, torch). A leaking model scores far below the references, which is why causality is checked
# on the trained model first.
MAX_BPD = 0.40
MIN_GAIN_OVER_INDEPENDENT = 0.1
# Sampling calibration: z-scores of sum(x - p) per bin of p, exactly N(0, 1)-distributed for correct
# sampling (a martingale), so |z| > 5 in any of the 7 bins has probability < 1e-5. Measured on
# trained references: largest |z| 0.7..2.7 (torch, 8 seeds) and 1.0..2.8 (Keras, 8 seeds); drawing
# every pixel at once from the empty canvas 10..16 (torch, 3 seeds); argmax sampling gives identical
# images and fails earlier.
CALIBRATION_BINS = (0.0, 0.05, 0.2, 0.4, 0.6, 0.8, 0.95, 1.0)
MAX_CALIBRATION_Z = 5.0
N_SAMPLES = 16
# Too good to be true: a model of this size and budget does not get near 0 bits/dim (references
# 0.258..0.283, see above); 0.15 is far below them.
MIN_BPD = 0.15
# Copies: samples must be new images. The median over the samples of the number of pixels (of 256) in
# which a sample differs from its nearest binarised public digit (fixtures.digits "all"): 0 for copies,
# 48..66 for the references' and alternatives' samples (5 salts per track, CPU; 49..54 torch on CUDA).
MIN_NEAREST_HAMMING = 20
# Model dependence of the samples: with the values inside every weight tensor shuffled (masks kept),
# the same seed must give other images (references and alternatives: 26..54% of the pixels differ; a lookup
# of real digits 0) that follow the shuffled model's probabilities (the calibration test above).
MIN_SHUFFLED_DIFFERENT = 0.05


# -- helpers -----------------------------------------------------------------------------------

def binarise(images: np.ndarray) -> np.ndarray:
    """Grey digits (N, H, W) in [0, 1] -> binary NHWC float32 (N, H, W, 1) in {0, 1}."""
    return (np.asarray(images) > 0.5).astype(np.float32)[..., None]


def _random_binary(n: int, h: int, w: int, seed: int, ink: float = 0.3) -> np.ndarray:
    return (np.random.default_rng(seed).random((n, h, w, 1)) < ink).astype(np.float32)


def numpy_bits_per_dim(logits: np.ndarray, x: np.ndarray) -> float:
    """The grader's bits/dim: BCE from logits in nats, / ln 2, averaged over every pixel (float64)."""
    logits, x = np.asarray(logits, np.float64), np.asarray(x, np.float64)
    return float(np.mean(softplus(logits) - x * logits) / LN2)


def independent_bits_per_dim(train: np.ndarray, test: np.ndarray) -> float:
    """Held-out bits/dim of the best model with independent pixels: per-pixel Bernoulli frequencies
    of the training images (add-one smoothed), the baseline an autoregressive model must beat."""
    p = (train.sum(axis=0) + 1.0) / (len(train) + 2.0)
    return numpy_bits_per_dim(np.log(p) - np.log1p(-p), test * np.ones_like(p))


def _logits(sub, model, x_nhwc: np.ndarray, what: str) -> np.ndarray:
    """The model's logits for NHWC binary images, checked, as float64 (N, H, W)."""
    x = to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), sub.layout)
    out = expect.array(sub.predict(model, x), what)
    if out.ndim == 4 and out.shape[0] == x.shape[0] and sorted(out.shape) != sorted(x.shape):
        spatial = (2, 3) if sub.layout == "NCHW" else (1, 2)
        if any(out.shape[i] != x.shape[i] for i in spatial):  # (a layout swap is named by expect.shape)
            raise CheckFailed(f"{what}: expected shape {x.shape} ({sub.layout}), got {out.shape}: the logits must have "
                              "the image's size; use 'same' padding (kernel_size // 2) in every convolution")
    out = expect.shape(out, x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32 logits)")
    expect.finite(out, what)
    return from_layout(out, sub.layout)[..., 0].astype(np.float64)


def _probe_causality(sub, model, h: int, w: int, positions: list[int], seed: int, what: str) -> dict:
    """Flip pixel j (raster index) of a few random binary images, for each j in positions; one forward pass.

    Returns the worst change of a logit before j and at j (with where it happened), and for each probe
    whether the logit of the next pixel on the row (j + 1) and of the pixel below (j + w) moved.
    """
    n = 3
    x = _random_binary(n, h, w, seed)
    batch = [x]
    for j in positions:
        flipped = x.copy()
        r, c = divmod(j, w)
        flipped[:, r, c, 0] = 1.0 - flipped[:, r, c, 0]
        batch.append(flipped)
    logits = _logits(sub, model, np.concatenate(batch), what).reshape(len(batch), n, h * w)
    base = logits[0]
    tol = CAUSAL_RTOL * (np.abs(base) + 0.1)   # float32 rounding, far below any real dependence
    worst = {"before": (0.0, None, None), "at": (0.0, None, None)}
    left, above = [], []
    for k, j in enumerate(positions):
        diff = np.abs(logits[k + 1] - base)
        over = diff > tol
        if over[:, :j].any() and float(diff[:, :j].max()) > worst["before"][0]:
            i = int(np.argmax(over[:, :j].any(axis=0)))  # the earliest position that moved
            worst["before"] = (float(diff[:, :j].max()), j, i)
        if over[:, j].any() and float(diff[:, j].max()) > worst["at"][0]:
            worst["at"] = (float(diff[:, j].max()), j, j)
        if (j + 1) % w:
            left.append(bool(over[:, j + 1].any()))
        if j + w < h * w:
            above.append(bool(over[:, j + w].any()))
    return {"before": worst["before"], "at": worst["at"], "left": left, "above": above, "w": w}


def _rc(index: int, w: int) -> str:
    return f"(row {index // w}, col {index % w})"


def _is_causal(probe: dict) -> bool:
    return probe["before"][1] is None and probe["at"][1] is None


def _require_causal(probe: dict, what: str, trained: bool = False, causal_before: bool = True) -> None:
    """``trained``: ``probe`` is of the trained model; ``causal_before`` says whether the untrained one passed."""
    w = probe["w"]
    again = ""
    if trained and causal_before:
        again = (" The untrained model was causal: apply the mask to the kernel in every forward pass "
                 "(weight * mask), not once to the initial weights, which the optimiser then fills back in")
    elif trained:
        again = " The untrained model was not causal either: fix the masks first (see the build part)"
    size, j, i = probe["before"]
    if j is not None:
        raise CheckFailed(f"{what}: flipping pixel {_rc(j, w)} changed the logit at the earlier position {_rc(i, w)} "
                          f"(by {size:.2g}): information flows from later pixels to earlier ones. Every convolution "
                          "must be masked (mask A first, mask B after) with zeros on the rows below the centre and on "
                          "the centre row right of the centre." + again)
    size, j, _ = probe["at"]
    if j is not None:
        raise CheckFailed(f"{what}: flipping pixel {_rc(j, w)} changed the logit at {_rc(j, w)} itself (by {size:.2g}): "
                          "the model sees the pixel it predicts. The first layer needs mask A (centre excluded); "
                          "only later layers use mask B." + again)


def _require_context(probe: dict, what: str) -> str:
    left, above = float(np.mean(probe["left"])), float(np.mean(probe["above"]))
    for share, name, hint in ((left, "left", "the centre row left of the centre"),
                              (above, "upper", "the rows above the centre")):
        if share < MIN_CONTEXT_SHARE:
            raise CheckFailed(f"{what}: flipping a pixel moved the logit of its {'right' if name == 'left' else 'lower'} "
                              f"neighbour in only {100 * share:.0f}% of the probes: the model ignores its {name} "
                              f"neighbour. The masks must keep (1) {hint}")
    return f"right neighbour's logit moved in {100 * left:.0f}%, lower neighbour's in {100 * above:.0f}% of the probes"


# -- part 1: causal_mask -----------------------------------------------------------------------

def expected_mask(k: int, mask_type: str) -> np.ndarray:
    m = np.zeros((k, k), np.float64)
    c = k // 2
    m[:c, :] = 1
    m[c, :c + (mask_type == "B")] = 1
    return m


def _mask_mistake(got: np.ndarray, k: int, mask_type: str) -> str:
    other = "B" if mask_type == "A" else "A"
    c = k // 2
    want = expected_mask(k, mask_type)
    if np.array_equal(got, expected_mask(k, other)):
        return ("that is mask " + other + ": mask A excludes the centre (the pixel being predicted), "
                "mask B includes it")
    if np.array_equal(got, want.T) or np.array_equal(got, expected_mask(k, other).T):
        return "the mask is transposed: raster order goes row by row, so the rows above and the centre row's left part are 1"
    if np.array_equal(got, want[::-1, ::-1]) or np.array_equal(got, expected_mask(k, other)[::-1, ::-1]):
        return "the mask is flipped: the 1s belong above and to the left of the centre (the pixels already generated)"
    if c > 0 and not got[:c].all():
        return "the rows above the centre must all be 1: they were generated before the centre pixel"
    if c > 0 and not got[c, :c].all():
        return "the centre row left of the centre must be 1"
    if got[c + 1:].any():
        return "the rows below the centre must be 0: they come later in raster order"
    if got[c, c + 1:].any():
        return "the centre row right of the centre must be 0: those pixels come later"
    return "1 above the centre and left of it on the centre row, the centre itself only for mask B"


def _check_mask(sub, k: int, mask_type: str, what: str | None = None) -> np.ndarray:
    what = what or f"causal_mask({k}, {mask_type!r})"
    got = expect.shape(sub.call("causal_mask", k, mask_type), (k, k), what)
    expect.dtype(got, "fbiu", what, "a numeric dtype (float32)")
    got = got.astype(np.float64)
    if not np.isin(got, (0.0, 1.0)).all():
        raise CheckFailed(f"{what}: values must be 0 or 1, got {np.unique(got)[:5]}")
    if not np.array_equal(got, expected_mask(k, mask_type)):
        raise CheckFailed(f"{what} is wrong: {_mask_mistake(got, k, mask_type)}")
    return got


@EXERCISE.check("causal_mask", points=1)
def mask_shape(sub, ctx: Context):
    """causal_mask(5, "A") is a (5, 5) array of 0s and 1s"""
    got = expect.shape(sub.call("causal_mask", 5, "A"), (5, 5), "causal_mask(5, 'A')")
    expect.dtype(got, "fbiu", "causal_mask(5, 'A')", "a numeric dtype (float32)")
    if not np.isin(got.astype(np.float64), (0.0, 1.0)).all():
        raise CheckFailed(f"causal_mask(5, 'A'): values must be 0 or 1, got {np.unique(got)[:5]}")


@EXERCISE.check("causal_mask", points=2)
def mask_values(sub, ctx: Context):
    """masks A and B for kernels 3 and 5 match the raster order"""
    for k in (3, 5):
        for t in ("A", "B"):
            _check_mask(sub, k, t)
    return "masks A and B for k = 3, 5 are right"


@EXERCISE.check("causal_mask", points=1, hidden=True)
def mask_other_sizes(sub, ctx: Context):
    """masks for other kernel sizes"""
    rng = np.random.default_rng(ctx.seed("causal_mask"))
    for k in rng.permutation([1, 7, 9]):
        for t in rng.permutation(["A", "B"]):
            _check_mask(sub, int(k), str(t), "causal_mask")


# -- part 2: build_pixelcnn --------------------------------------------------------------------

def _positions(h: int, w: int, rng: np.random.Generator, k: int) -> list[int]:
    """k raster positions: the first pixel, one in the middle, and random others (not the last)."""
    picks = {0, (h // 2) * w + w // 2}
    picks.update(int(j) for j in rng.choice(h * w - 1, size=k, replace=False))
    return sorted(picks)


@EXERCISE.check("build", points=1)
def logits_shape(sub, ctx: Context):
    """maps binary images (N, 1, 16, 16) NCHW / (N, 16, 16, 1) NHWC to logits of the same shape"""
    model = sub.call("build_pixelcnn", 0)
    x = binarise(digits.sample(8, "test", seed=0)[0])
    _logits(sub, model, x, "build_pixelcnn(0) applied to 8 binary 16x16 digits")
    return f"logits shape {to_layout(x, sub.layout).shape} ({sub.layout})"


@EXERCISE.check("build", points=2)
def causal(sub, ctx: Context):
    """no logit depends on its own pixel or a later one (the grader flips pixels and watches)"""
    model = sub.call("build_pixelcnn", 0)
    positions = _positions(SIZE, SIZE, np.random.default_rng(1), 8)
    probe = _probe_causality(sub, model, SIZE, SIZE, positions, 2, "build_pixelcnn(0)")
    _require_causal(probe, "build_pixelcnn(0)")
    return f"{len(positions)} flipped pixels, no earlier logit moved"


@EXERCISE.check("build", points=1)
def uses_context(sub, ctx: Context):
    """each logit depends on the pixels just before it (left and above)"""
    model = sub.call("build_pixelcnn", 0)
    positions = _positions(SIZE, SIZE, np.random.default_rng(3), 12)
    probe = _probe_causality(sub, model, SIZE, SIZE, positions, 4, "build_pixelcnn(0)")
    _require_causal(probe, "build_pixelcnn(0)")
    return _require_context(probe, "build_pixelcnn(0)")


@EXERCISE.check("build", points=1)
def small_and_seeded(sub, ctx: Context):
    """a small model whose initial weights depend on the seed only"""
    return f"{model_checks.small_and_seeded(sub, 'build_pixelcnn', MAX_PARAMS)} parameters"


@EXERCISE.check("build", points=2, hidden=True)
def causal_other_sizes(sub, ctx: Context):
    """causal on other image sizes, seeds and flipped pixels"""
    rng = np.random.default_rng(ctx.seed("build"))
    h, w = int(rng.integers(9, 15)), int(rng.integers(17, 24))
    model = sub.call("build_pixelcnn", int(rng.integers(1000)))
    probe = _probe_causality(sub, model, h, w, _positions(h, w, rng, 10), int(rng.integers(1000)), "the model")
    _require_causal(probe, "the model")
    _require_context(probe, "the model")


# -- part 3: bits_per_dim ----------------------------------------------------------------------

def _bpd_mistakes(logits: np.ndarray, x: np.ndarray) -> list[tuple[float, str]]:
    nats = float(np.mean(softplus(logits) - x * logits))
    per_image = float(np.sum(softplus(logits) - x * logits) / LN2 / len(x))
    sig = 1 / (1 + np.exp(-logits))
    return [
        (nats, "that is nats: divide by ln 2 to get bits"),
        (nats / np.log(10), "that is log10 units: divide the nats by ln 2"),
        (nats * LN2, "the nats are multiplied by ln 2: divide them by ln 2 to get bits"),
        (per_image, "that is bits per image: average over every pixel (N * H * W), not only over the batch"),
        (per_image * len(x), "that is the sum over all pixels: take the mean"),
        (-nats / LN2, "wrong sign: the NLL is -log p, a positive number"),
        (float(np.mean(softplus(sig) - x * sig) / LN2),
         "the sigmoid is applied before a loss that expects logits (binary_cross_entropy_with_logits / from_logits=True)"),
    ]


def _compare_bpd(sub, logits_nhwc: np.ndarray, x_nhwc: np.ndarray, what: str, hint: str = "") -> float:
    value = expect.scalar(sub.call("bits_per_dim", to_layout(logits_nhwc, sub.layout), to_layout(x_nhwc, sub.layout)), what)
    l64, x64 = logits_nhwc.astype(np.float64), x_nhwc.astype(np.float64)
    expected = numpy_bits_per_dim(l64, x64)
    if np.isfinite(value) and abs(value - expected) <= 1e-5 + 2e-5 * abs(expected):
        return value
    if not np.isfinite(value):
        raise CheckFailed(f"{what} is {value}: log(sigmoid(x)) underflows for large |x|; compute the BCE from logits "
                          "(binary_cross_entropy_with_logits / from_logits=True)")
    for candidate, message in _bpd_mistakes(l64, x64):
        if abs(value - candidate) <= 1e-4 + 1e-4 * abs(candidate):
            raise CheckFailed(f"{what} = {value:.6g}, expected {expected:.6g}: {message}")
    raise CheckFailed(f"{what} = {value:.6g}, expected {expected:.6g}" + (f"; {hint}" if hint else ""))


@EXERCISE.check("bits_per_dim", points=1)
def coin_flip_costs_one_bit(sub, ctx: Context):
    """zero logits (p = 0.5 everywhere) cost exactly 1 bit per pixel"""
    x = _random_binary(4, SIZE, SIZE, 5)
    _compare_bpd(sub, np.zeros_like(x), x, "bits_per_dim(zero logits, x)", "a fair coin costs exactly 1 bit per pixel")
    return "1 bit/dim for a fair coin"


@EXERCISE.check("bits_per_dim", points=1)
def bpd_values(sub, ctx: Context):
    """matches the BCE from logits in bits, averaged over pixels"""
    rng = np.random.default_rng(6)
    x = _random_binary(6, SIZE, SIZE, 7)
    logits = (rng.normal(0, 3, x.shape) + 2 * (x - 0.5)).astype(np.float32)
    value = _compare_bpd(sub, logits, x, "bits_per_dim(logits, x)")
    return f"{value:.4f} bits/dim"


@EXERCISE.check("bits_per_dim", points=1)
def large_logits_are_stable(sub, ctx: Context):
    """exact for huge logits (+-100), right or wrong"""
    x = _random_binary(2, 8, 8, 8, ink=0.5)
    sign = np.where(np.random.default_rng(9).random(x.shape) < 0.5, -1.0, 1.0)
    logits = (sign * np.random.default_rng(10).uniform(20, 100, x.shape)).astype(np.float32)
    hint = ("huge logits need a loss computed from logits: log(sigmoid(x)) underflows, BCELoss clamps the log at "
            "-100 and Keras clips probabilities to 1e-7")
    _compare_bpd(sub, logits, x, "bits_per_dim with logits of +-20..100", hint)


@EXERCISE.check("bits_per_dim", points=1, hidden=True)
def bpd_other_inputs(sub, ctx: Context):
    """other shapes and logit scales"""
    rng = np.random.default_rng(ctx.seed("bits_per_dim"))
    for _ in range(2):
        n, h, w = int(rng.integers(1, 6)), int(rng.integers(3, 20)), int(rng.integers(3, 20))
        x = _random_binary(n, h, w, int(rng.integers(1000)), ink=float(rng.uniform(0.1, 0.9)))
        logits = rng.normal(rng.normal(0, 2), rng.uniform(0.5, 30), x.shape).astype(np.float32)
        _compare_bpd(sub, logits, x, "bits_per_dim")


# -- part 4: train_pixelcnn --------------------------------------------------------------------

def train_and_measure(sub, seed: int, steps: int = STEPS) -> dict:
    """Build and train the student's model on binarised training digits, then measure it (grader code)."""
    train = binarise(digits.load_digits("train")[0])
    test = binarise(digits.load_digits("test")[0])
    sub.seed(seed)
    model = sub.call("build_pixelcnn", seed)
    before = _logits(sub, model, test, "the untrained model on held-out digits")
    w_before = sub.get_weights(model)
    rng = np.random.default_rng(seed + 1)
    positions = _positions(SIZE, SIZE, rng, 10)
    # The same probe before training, so that a model that was never causal is not told it was.
    probe_before = _probe_causality(sub, model, SIZE, SIZE, positions, seed + 2, "the untrained model")
    losses, steps_taken = integrity.train_counting_steps(sub, "train_pixelcnn", model, to_layout(train, sub.layout),
                                                         int(steps), int(seed))
    w_after = sub.get_weights(model)
    after = _logits(sub, model, test, "the trained model on held-out digits")
    probe = _probe_causality(sub, model, SIZE, SIZE, positions, seed + 2, "the trained model")
    return {
        "model": model, "losses": losses, "steps": steps, "steps_taken": steps_taken, "w_before": w_before,
        "w_after": w_after, "probe": probe, "causal_before": _is_causal(probe_before), "seed": seed,
        "bpd_before": numpy_bits_per_dim(before, test[..., 0]), "bpd": numpy_bits_per_dim(after, test[..., 0]),
        "independent": independent_bits_per_dim(train[..., 0], test[..., 0]),
        "logit_range": (float(after.min()), float(after.max())),
    }


def _public_run(sub, ctx: Context) -> dict:
    return ctx.memo("public", lambda: train_and_measure(sub, ctx.seed("train") % 100_000))


def _check_losses(r: dict) -> str:
    """The budget and the grader's own before/after measurement; the returned list is checked for format only."""
    what = f"train_pixelcnn(..., steps={r['steps']})"
    expect.weights_changed(r["w_before"], r["w_after"], what)
    budget = integrity.within_budget(r["steps_taken"], r["steps"], what)
    losses = model_checks.loss_history(r["losses"], r["steps"], what)
    fall = integrity.measured_fall(r["bpd_before"], r["bpd"], "the held-out bits/dim the grader measures",
                                   hint=_diagnosis(r))
    return f"{budget}; {fall}; {len(losses)} losses returned"


def _diagnosis(r: dict) -> str:
    lo, hi = r["logit_range"]
    if lo >= 0.0 and hi <= 1.0:
        return ("the model's outputs all lie in [0, 1]: it returns probabilities (a final sigmoid?); return raw "
                "logits, the loss applies the sigmoid")
    if r["bpd"] >= r["bpd_before"] - 0.05:
        return "training barely changed the held-out bits/dim: check the loss, the optimiser and the learning rate"
    return ("the input and the target are the same image batch: the masks already shift the prediction by one "
            "pixel, so do not shift the target as for a language model")


def _check_bpd(r: dict, what: str) -> str:
    limit = min(MAX_BPD, r["independent"] - MIN_GAIN_OVER_INDEPENDENT)
    if not r["bpd"] <= limit:
        raise CheckFailed(f"{what}: {r['bpd']:.3f} bits/dim on held-out digits (untrained {r['bpd_before']:.3f}; "
                          f"independent pixels {r['independent']:.3f}; coin flip 1.000), needs at most {limit:.3f}; "
                          f"{_diagnosis(r)}")
    integrity.plausible(r["bpd"], MIN_BPD, "the held-out bits/dim", higher_is_better=False, reference="0.26 to 0.28")
    return (f"held-out {r['bpd']:.3f} bits/dim (needs {MIN_BPD:g}..{limit:.3f}); independent pixels {r['independent']:.3f}, "
            "coin flip 1.000")


@EXERCISE.check("train", points=1)
def returns_losses(sub, ctx: Context):
    """takes `steps` optimizer steps and the held-out bits/dim the grader measures fall (losses: format only)"""
    return _check_losses(_public_run(sub, ctx))


@EXERCISE.check("train", points=1)
def still_causal(sub, ctx: Context):
    """the trained model is still causal"""
    r = _public_run(sub, ctx)
    _require_causal(r["probe"], "the trained model", trained=True, causal_before=r["causal_before"])


@EXERCISE.check("train", points=2)
def heldout_bits_per_dim(sub, ctx: Context):
    """held-out bits/dim well below a coin flip and below independent pixels"""
    return _check_bpd(_public_run(sub, ctx), "after training")


@EXERCISE.check("train", points=2, hidden=True)
def other_probes(sub, ctx: Context):
    """the trained model on another image size and another held-out subset"""
    r = _public_run(sub, ctx)
    rng = np.random.default_rng(ctx.seed("train-hidden"))
    h, w = int(rng.integers(9, 15)), int(rng.integers(17, 24))
    probe = _probe_causality(sub, r["model"], h, w, _positions(h, w, rng, 10), int(rng.integers(1000)), "the trained model")
    _require_causal(probe, "the trained model", trained=True, causal_before=r["causal_before"])
    test = binarise(digits.load_digits("test")[0])
    subset = test[rng.choice(len(test), 200, replace=False)]
    logits = _logits(sub, r["model"], subset, "the trained model on held-out digits")
    train = binarise(digits.load_digits("train")[0])
    sub_r = dict(r, bpd=numpy_bits_per_dim(logits, subset[..., 0]),
                 independent=independent_bits_per_dim(train[..., 0], subset[..., 0]))
    _check_bpd(sub_r, "on other held-out digits")


# -- part 5: sample ----------------------------------------------------------------------------

def _call_sample(sub, model, n: int, seed: int, h: int, w: int, what: str) -> np.ndarray:
    out = sub.call("sample", model, n, seed, h, w)
    out = expect.shape(out, to_layout(np.zeros((n, h, w, 1)), sub.layout).shape, what, sub.layout)
    expect.dtype(out, "fbiu", what, "a numeric dtype (float32)")
    out = from_layout(out, sub.layout)[..., 0].astype(np.float64)
    if not np.isin(out, (0.0, 1.0)).all():
        values = np.unique(out)
        hint = ("draw each pixel from Bernoulli(sigmoid(logit)); do not store the probability itself"
                if ((values > 0) & (values < 1)).any() else "pixels must be 0 or 1")
        raise CheckFailed(f"{what}: values must be 0 or 1, got {len(values)} distinct values in "
                          f"[{values.min():.3g}, {values.max():.3g}]; {hint}")
    return out


def calibration(sub, model, samples: np.ndarray, what: str) -> dict:
    """z-scores of sum(x - p) within bins of p, p the model's probability for each pixel in its context.

    For samples drawn correctly, x_i - p_i is a martingale difference (p_i depends on earlier pixels
    only), so each bin's z is N(0, 1) whatever the model.
    """
    p = 1 / (1 + np.exp(-_logits(sub, model, samples[..., None].astype(np.float32), what)))
    zs = []
    for lo, hi in zip(CALIBRATION_BINS[:-1], CALIBRATION_BINS[1:]):
        sel = (p >= lo) & (p < hi) if hi < 1 else (p >= lo)
        var = float(np.sum(p[sel] * (1 - p[sel])))
        if var >= 1.0:
            zs.append((float(np.sum(samples[sel] - p[sel]) / np.sqrt(var)), lo, hi,
                       float(samples[sel].mean()), float(p[sel].mean()), int(sel.sum())))
    return {"zs": zs, "identical": bool(np.all(samples == samples[:1]))}


def _require_calibrated(cal: dict, what: str) -> str:
    if cal["identical"]:
        raise CheckFailed(f"{what}: all samples are identical: draw each pixel from Bernoulli(sigmoid(logit)) "
                          "(torch.bernoulli / a uniform draw below p), do not take the most likely value")
    z, lo, hi, freq, mean_p, count = max(cal["zs"], key=lambda t: abs(t[0]))
    if abs(z) > MAX_CALIBRATION_Z:
        raise CheckFailed(
            f"{what}: where your model gives p(pixel = 1) in [{lo:g}, {hi:g}) ({count} pixels, mean p {mean_p:.3f}), "
            f"the samples have {100 * freq:.1f}% ones (z = {z:+.1f}): pixels are not drawn from the model's "
            "probability in their context. Draw one pixel at a time in raster order, re-running the model on the "
            "canvas after each, and draw it from Bernoulli(sigmoid(logit at that pixel))")
    return f"calibrated: largest bin z-score {abs(z):.1f} (at most {MAX_CALIBRATION_Z:g})"


@EXERCISE.check("sample", points=1)
def sample_shape_and_values(sub, ctx: Context):
    """sample(model, 4, seed, 8, 8) gives (4, 1, 8, 8) NCHW / (4, 8, 8, 1) NHWC images of 0s and 1s"""
    model = sub.call("build_pixelcnn", 0)
    out = _call_sample(sub, model, 4, 0, 8, 8, "sample(model, 4, 0, 8, 8)")
    return f"{100 * out.mean():.0f}% ones"


@EXERCISE.check("sample", points=1)
def sample_is_seeded(sub, ctx: Context):
    """the same seed gives the same images, another seed other images"""
    model = sub.call("build_pixelcnn", 0)
    sub.seed(1)
    a = _call_sample(sub, model, 4, 7, 6, 6, "sample(model, 4, seed=7, 6, 6)")
    sub.seed(2)  # another global RNG state: the result must depend on `seed` only
    b = _call_sample(sub, model, 4, 7, 6, 6, "sample(model, 4, seed=7, 6, 6)")
    if not np.array_equal(a, b):
        raise CheckFailed("sample(model, 4, seed=7, 6, 6) gave other images on a second call with the same seed: draw "
                          "from a generator seeded with `seed`, not from the global RNG")
    c = _call_sample(sub, model, 4, 8, 6, 6, "sample(model, 4, seed=8, 6, 6)")
    if np.array_equal(a, c):
        if np.all(a == a[:1]):
            raise CheckFailed("sample gave the same images for seeds 7 and 8, and all samples are identical: draw each "
                              "pixel from Bernoulli(sigmoid(logit)) with a generator seeded with `seed`; do not take "
                              "the most likely value (p > 0.5)")
        raise CheckFailed("sample gave the same images for seeds 7 and 8: use the `seed` argument")


def _trained_model(sub, ctx: Context):
    r = _public_run(sub, ctx)
    _require_causal(r["probe"], "the trained model (see the train part)", trained=True, causal_before=r["causal_before"])
    return r["model"]


def nearest_public_hamming(samples: np.ndarray) -> float:
    """Median over the samples of the pixels in which each differs from its nearest binarised public digit."""
    pool = binarise(digits.load_digits("all")[0]).reshape(-1, SIZE * SIZE)
    flat = samples.reshape(len(samples), -1)
    differ = flat @ (1 - pool).T + (1 - flat) @ pool.T
    return float(np.median(differ.min(axis=1)))


def shuffled_keeping_masks(weights: list[np.ndarray], seed: int) -> list[np.ndarray]:
    """integrity.shuffled_weights, but tensors of only 0s and 1s (the causal masks, stored as buffers or
    non-trainable weights) stay as they are, so the shuffled model is still causal."""
    shuffled = integrity.shuffled_weights(weights, seed)
    return [w.copy() if np.isin(w, (0.0, 1.0)).all() else s for w, s in zip(weights, shuffled)]


def _require_new_and_from_the_model(sub, model, samples: np.ndarray, n: int, seed: int, what: str) -> str:
    hamming = nearest_public_hamming(samples)
    if not hamming >= MIN_NEAREST_HAMMING:
        raise CheckFailed(f"{what}: half of the samples differ from a real (binarised) digit in at most {hamming:g} of "
                          f"{SIZE * SIZE} pixels (a model's samples differ in at least {MIN_NEAREST_HAMMING}): these are "
                          "near-copies of training digits, not images drawn pixel by pixel from the model")
    shuffled = shuffled_keeping_masks(sub.get_weights(model), seed)

    def draw():
        other = _call_sample(sub, model, n, seed, SIZE, SIZE, f"{what} with shuffled weights")
        return other, calibration(sub, model, other, "the model with shuffled weights on its samples")
    other, cal = integrity.with_weights(sub, model, shuffled, draw)
    changed = float(np.mean(other != samples))
    if not changed >= MIN_SHUFFLED_DIFFERENT:
        raise CheckFailed(f"{what}: after the grader shuffled the model's weights, the same seed gave images that differ "
                          f"in only {100 * changed:.1f}% of the pixels (a model's samples change in at least "
                          f"{100 * MIN_SHUFFLED_DIFFERENT:g}%): the samples do not come from the model's weights. Draw "
                          "every pixel from the model's probability, not from a pool of real digits")
    if cal["zs"]:
        _require_calibrated(cal, f"{what} with the weights shuffled (the samples must follow the model's probabilities)")
    return f"nearest real digit {hamming:g} pixels away; {100 * changed:.0f}% of the pixels change with shuffled weights"


@EXERCISE.check("sample", points=2)
def follows_the_model(sub, ctx: Context):
    """each pixel is drawn with the trained model's probability in its context; new images, from the model"""
    model = _trained_model(sub, ctx)
    what = f"sample(trained model, {N_SAMPLES}, 3)"
    samples = _call_sample(sub, model, N_SAMPLES, 3, SIZE, SIZE, what)
    new = _require_new_and_from_the_model(sub, model, samples, N_SAMPLES, 3, what)  # a lookup: say so first
    note = _require_calibrated(calibration(sub, model, samples, "the trained model on its samples"), what)
    return f"{note}; {new}; {100 * samples.mean():.0f}% ones (held-out digits ~30%)"


@EXERCISE.check("sample", points=1, hidden=True)
def sample_other_sizes(sub, ctx: Context):
    """other sizes and seeds"""
    rng = np.random.default_rng(ctx.seed("sample"))
    model = _trained_model(sub, ctx)
    h, w = int(rng.integers(10, 15)), int(rng.integers(10, 15))
    samples = _call_sample(sub, model, 12, int(rng.integers(1000)), h, w, "sample")
    _require_calibrated(calibration(sub, model, samples, "the model"), "sample")
    seed = int(rng.integers(1000))
    full = _call_sample(sub, model, N_SAMPLES, seed, SIZE, SIZE, "sample")
    _require_new_and_from_the_model(sub, model, full, N_SAMPLES, seed, "sample")
