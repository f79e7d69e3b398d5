"""Grader for stylegan_diversity (002 #5, #18, #28): AdaIN, mapping network and truncation, synthesis
and style mixing.

Nothing here is trained: StyleGAN's sampling mechanics are properties of the architecture, so every
check probes the student's functions and untrained networks through ``sub`` and compares them with
the grader's own NumPy arithmetic on the values it reads back (``mapping(z)`` through
``sub.predict``, truncation and style mixing recomputed here). The diversity check measures the
mean pairwise distance between samples itself; see THRESHOLDS. Since a random network's diversity
grows with psi whatever its blocks do, the synthesis network's AdaIN is probed through its weights:
scaling a convolution that feeds an AdaIN must leave the images unchanged (see WEIGHT_SCALE).
"""
from __future__ import annotations

import numpy as np

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout

EXERCISE = Exercise("stylegan_diversity")

N_STYLES = 4             # style inputs of the synthesis network, one per resolution 4, 8, 16, 32
IMAGE = (32, 32, 3)      # the synthesis network's output, NHWC
Z_DIM, W_DIM, DEPTH = 16, 24, 3   # not the notebook's 32/32/4, so nothing can be hard-coded
EPS = 1e-5               # AdaIN's variance epsilon, as the notebook states
MAX_MAPPING_PARAMS = 50_000
MAX_SYNTHESIS_PARAMS = 200_000
# Diversity = mean pairwise RMS distance between 16 samples of the same latents, per psi. Measured on
# the references (10 network seeds per track): it is 0 at psi=0 and grows by a factor of 1.15..1.9 per
# step of 0.25 (torch 0.15 / 0.27 / 0.37 / 0.45 at seed 0, tf 0.24 / 0.43 / 0.58 / 0.70). A generate()
# that ignores psi is flat (factor 1.0), one that truncates backwards shrinks.
PSIS = (0.0, 0.25, 0.5, 0.75, 1.0)
MIN_GROWTH = 1.05        # each step of psi must raise the diversity by at least 5%
MAX_DIVERSITY_AT_ZERO = 1e-5
# AdaIN in the synthesis network, probed through its weights: multiplying one convolution's kernel and
# bias by WEIGHT_SCALE multiplies its output by it, and LeakyReLU passes the factor on, so an AdaIN that
# normalises its input (instance norm: per sample and channel) erases it and the images stay the same
# up to AdaIN's eps. Mean absolute pixel change, references and alternatives over 5 salts per track:
# every block's convolution 2e-6..1.3e-4 (eps: channels of small variance), the 1x1 to-RGB convolution
# 0.16..0.32, the constant input 0.008..0.014 in PyTorch (the first convolution's bias is not scaled with
# it); blocks that add or multiply the style without normalising move them by 0.03..0.35 (mutants).
# Each of the N_STYLES blocks needs one invariant convolution.
WEIGHT_SCALE = 3.0
MAX_INVARIANT_CHANGE = 2e-3


def _rng(ctx: Context, label: str) -> np.random.Generator:
    return np.random.default_rng(ctx.seed(label))


def _f32(a) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32)


# -- part 1: adain ----------------------------------------------------------------------------------

def _adain_reference(x: np.ndarray, scale: np.ndarray, bias: np.ndarray, axes=(1, 2), unbiased=False) -> np.ndarray:
    """AdaIN on NHWC float64 arrays, statistics over ``axes``."""
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True, ddof=0)
    if unbiased:
        n = np.prod([x.shape[a] for a in axes])
        var = var * n / (n - 1)
    return scale[:, None, None, :] * (x - mean) / np.sqrt(var + EPS) + bias[:, None, None, :]


def _adain_mistake(got: np.ndarray, x: np.ndarray, scale: np.ndarray, bias: np.ndarray) -> str:
    """Name the typical mistake whose output matches ``got``, or ''."""
    normalised = _adain_reference(x, np.ones_like(scale), np.zeros_like(bias))
    candidates = {
        "the statistics are taken over the whole batch (batch norm): take them per sample, over H and W only":
            _adain_reference(x, scale, bias, axes=(0, 1, 2)),
        "the statistics are taken over the channels too (layer norm): take them per channel, over H and W only":
            _adain_reference(x, scale, bias, axes=(1, 2, 3)),
        "that is the unbiased variance (divide by H*W - 1): use the biased one (unbiased=False / ddof=0)":
            _adain_reference(x, scale, bias, unbiased=True),
        "scale and bias are swapped: multiply by scale, then add bias":
            bias[:, None, None, :] * normalised + scale[:, None, None, :],
        "the features are not normalised: subtract each channel's mean and divide by its standard deviation first":
            scale[:, None, None, :] * x + bias[:, None, None, :],
        "the scale is applied as (1 + scale): adain multiplies by scale itself (the synthesis network adds the 1)":
            (1 + scale[:, None, None, :]) * normalised + bias[:, None, None, :],
    }
    for hint, candidate in candidates.items():
        if np.allclose(got, candidate, rtol=1e-4, atol=1e-4):
            return hint
    return ""


def _call_adain(sub, x_nhwc: np.ndarray, scale: np.ndarray, bias: np.ndarray, what: str) -> np.ndarray:
    x = to_layout(_f32(x_nhwc), sub.layout)
    out = expect.shape(sub.call("adain", x, _f32(scale), _f32(bias)), x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    return from_layout(out, sub.layout).astype(np.float64)


def _features(rng: np.random.Generator, n: int, h: int, w: int, c: int) -> np.ndarray:
    """Feature maps whose channels have their own means and spreads, as a conv layer's would."""
    return rng.normal(rng.normal(0, 2, (n, 1, 1, c)), rng.uniform(0.3, 3, (n, 1, 1, c)), (n, h, w, c))


def _check_adain(sub, x: np.ndarray, scale: np.ndarray, bias: np.ndarray, what: str) -> np.ndarray:
    x, scale, bias = (_f32(a).astype(np.float64) for a in (x, scale, bias))
    got = _call_adain(sub, x, scale, bias, what)
    expected = _adain_reference(x, scale, bias)
    if not np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        hint = _adain_mistake(got, x, scale, bias) if np.isfinite(got).all() else ""
        expect.close(got, expected, what, rtol=1e-4, atol=1e-4,
                     hint=hint or "normalise each (sample, channel) map over H x W, then scale and shift")
    return got


@EXERCISE.check("adain", points=2)
def adain_values(sub, ctx: Context):
    """normalises each channel of each sample over H x W, then applies the style's scale and bias"""
    rng = np.random.default_rng(0)
    x = _features(rng, 3, 5, 6, 4)
    _check_adain(sub, x, rng.uniform(0.5, 2, (3, 4)), rng.normal(0, 1, (3, 4)), "adain(x (3, 4 channels, 5x6), scale, bias)")


@EXERCISE.check("adain", points=1)
def adain_flat_channel(sub, ctx: Context):
    """a flat channel (zero variance) stays finite and takes the style's bias"""
    rng = np.random.default_rng(1)
    x = _features(rng, 2, 4, 4, 3)
    x[0, :, :, 1] = 0.7                       # zero variance: 0 / sqrt(0 + eps) = 0, then + bias
    scale, bias = rng.uniform(0.5, 2, (2, 3)), rng.normal(0, 1, (2, 3))
    what = "adain on a channel with zero variance"
    got = _call_adain(sub, x, scale, bias, what)
    if not np.isfinite(got).all():
        raise CheckFailed(f"{what} gave non-finite values: add eps to the variance inside the square root, "
                          "sqrt(var + eps), so a flat channel divides 0 by a small number instead of by 0")
    _check_adain(sub, x, scale, bias, what)


@EXERCISE.check("adain", points=1, hidden=True)
def adain_other_shapes(sub, ctx: Context):
    """other shapes: one sample, a non-square map, more channels"""
    rng = _rng(ctx, "adain_shapes")
    c = int(rng.integers(5, 9))
    x = _features(rng, 1, 3, 8, c)
    _check_adain(sub, x, rng.uniform(0.5, 2, (1, c)), rng.normal(0, 1, (1, c)), "adain on a (1, 3, 8) map")


@EXERCISE.check("adain", points=1, hidden=True)
def adain_erases_input_style(sub, ctx: Context):
    """the output does not depend on the input's per-channel mean and spread"""
    rng = _rng(ctx, "adain_invariance")
    n, c = 3, 5
    x = _features(rng, n, 6, 6, c)
    scale, bias = rng.uniform(0.5, 2, (n, c)), rng.normal(0, 1, (n, c))
    a = _check_adain(sub, x, scale, bias, "adain")
    restyled = x * rng.uniform(0.2, 5, (n, 1, 1, c)) + rng.normal(0, 3, (n, 1, 1, c))
    b = _call_adain(sub, restyled, scale, bias, "adain on the same maps rescaled and shifted per channel")
    if not np.allclose(a, b, rtol=1e-3, atol=1e-3):
        raise CheckFailed("rescaling and shifting each input channel changed adain's output: the normalisation must "
                          "remove every (sample, channel) map's own mean and standard deviation")


# -- part 2: mapping network, mean_w, truncate --------------------------------------------------------

def _map(sub, mapping, z: np.ndarray, what: str) -> np.ndarray:
    w = expect.shape(sub.predict(mapping, _f32(z)), (len(z), W_DIM), what)
    expect.dtype(w, "f", what, "a float dtype (float32)")
    return expect.finite(w, what).astype(np.float64)


def _mapping(sub, seed: int = 0, depth: int = DEPTH):
    return sub.call("build_mapping", seed, Z_DIM, W_DIM, depth)


@EXERCISE.check("mapping", points=1)
def mapping_shape(sub, ctx: Context):
    """build_mapping(seed, z_dim, w_dim, depth) maps (N, z_dim) to (N, w_dim); small and seeded"""
    n_params = model_checks.small_and_seeded(sub, "build_mapping", MAX_MAPPING_PARAMS, Z_DIM, W_DIM, DEPTH)
    z = np.random.default_rng(0).standard_normal((6, Z_DIM))
    _map(sub, _mapping(sub), z, f"build_mapping(0, {Z_DIM}, {W_DIM}, {DEPTH}) applied to z of shape (6, {Z_DIM})")
    return f"{n_params} parameters"


@EXERCISE.check("mapping", points=1)
def mapping_normalises_z(sub, ctx: Context):
    """z is normalised first (pixel norm): mapping(c * z) == mapping(z)"""
    mapping = _mapping(sub)
    z = np.random.default_rng(1).standard_normal((8, Z_DIM))
    w = _map(sub, mapping, z, "mapping(z)")
    for c in (0.05, 20.0):
        wc = _map(sub, mapping, c * z, f"mapping({c:g} * z)")
        if not np.allclose(w, wc, rtol=1e-3, atol=1e-4):
            raise CheckFailed(f"mapping({c:g} * z) differs from mapping(z) (by up to {np.abs(w - wc).max():.3g}): "
                              "normalise z first (pixel norm: z / sqrt(mean(z**2) + 1e-8) over its z_dim entries), "
                              "so that only its direction matters")


def _check_truncate(sub, w: np.ndarray, w_avg: np.ndarray, psi: float, what: str) -> None:
    got = expect.shape(sub.call("truncate", _f32(w), _f32(w_avg), float(psi)), w.shape, what)
    w, w_avg = _f32(w).astype(np.float64), _f32(w_avg).astype(np.float64)
    expected = w_avg + psi * (w - w_avg)
    if np.allclose(got, expected, rtol=1e-5, atol=1e-5):
        return
    hint = "w_avg + psi * (w - w_avg)"
    if np.allclose(got, w + psi * (w_avg - w), rtol=1e-5, atol=1e-5):
        hint = "psi is backwards: psi = 0 must give w_avg and psi = 1 leave w unchanged: w_avg + psi * (w - w_avg)"
    elif np.allclose(got, psi * w, rtol=1e-5, atol=1e-5):
        hint = "that pulls w towards 0; pull it towards the average: w_avg + psi * (w - w_avg)"
    expect.close(got, expected, what, rtol=1e-5, atol=1e-5, hint=hint)


@EXERCISE.check("mapping", points=1)
def truncate_values(sub, ctx: Context):
    """truncate(w, w_avg, psi) = w_avg + psi * (w - w_avg)"""
    rng = np.random.default_rng(2)
    w, w_avg = rng.normal(0, 1, (5, W_DIM)), rng.normal(0, 1, W_DIM)
    for psi in (0.0, 0.5, 1.0):
        _check_truncate(sub, w, w_avg, psi, f"truncate(w, w_avg, psi={psi:g})")


@EXERCISE.check("mapping", points=1)
def mean_w_shape_and_seed(sub, ctx: Context):
    """mean_w(mapping, z_dim, n, seed) is a (w_dim,) vector that depends on the seed only"""
    mapping = _mapping(sub)
    what = f"mean_w(mapping, {Z_DIM}, 500, seed=3)"
    sub.seed(1)
    a = expect.finite(expect.shape(sub.call("mean_w", mapping, Z_DIM, 500, 3), (W_DIM,), what), what)
    sub.seed(2)  # another global RNG state: the draws must depend on `seed` only
    b = sub.call("mean_w", mapping, Z_DIM, 500, 3)
    if not np.allclose(a, b, rtol=0, atol=1e-6):
        raise CheckFailed(f"{what} changed on a second call: draw z from a generator seeded with `seed`")
    c = sub.call("mean_w", mapping, Z_DIM, 500, 4)
    if np.allclose(a, c, rtol=0, atol=1e-7):
        raise CheckFailed("mean_w gave the same result for seeds 3 and 4: use the `seed` argument for the draws")


def _check_nonlinear(sub, mapping, u: np.ndarray) -> None:
    # For an affine f, f(u) + f(-u) is the same for every u (pixel norm keeps -u on the same sphere).
    sums = _map(sub, mapping, u, "mapping(u)") + _map(sub, mapping, -u, "mapping(-u)")
    if float(np.abs(sums - sums.mean(axis=0)).max()) < 1e-4:
        raise CheckFailed("the mapping network is affine (mapping(u) + mapping(-u) is the same for every u): "
                          "put a LeakyReLU(0.2) after every layer")


@EXERCISE.check("mapping", points=1)
def mapping_is_nonlinear(sub, ctx: Context):
    """a nonlinearity between the layers (not one affine map)"""
    _check_nonlinear(sub, _mapping(sub), np.random.default_rng(4).standard_normal((16, Z_DIM)))


def _check_mean_w(sub, seed: int, draws: np.random.Generator) -> None:
    mapping = _mapping(sub, seed % 10_000)
    n = 4000
    got = expect.finite(expect.shape(sub.call("mean_w", mapping, Z_DIM, n, seed % 100_000), (W_DIM,),
                                     f"mean_w(mapping, {Z_DIM}, {n}, seed)"), "mean_w").astype(np.float64)
    ws = _map(sub, mapping, draws.standard_normal((n, Z_DIM)), "mapping(z)")
    expected = ws.mean(axis=0)
    # Two independent Monte Carlo means: their difference has std sqrt(2) * std(w) / sqrt(n) per coordinate.
    tolerance = 5 * np.sqrt(2) * ws.std(axis=0) / np.sqrt(n) + 1e-4
    if np.any(np.abs(got - expected) > tolerance):
        worst = float(np.max(np.abs(got - expected) / tolerance))
        raise CheckFailed(f"mean_w is {worst:.1f}x further from the average of mapping(z) over many z than sampling "
                          "noise allows: map every z and average the w's (the mean of the z's mapped once is a single "
                          "sample, since f(E[z]) != E[f(z)])")


@EXERCISE.check("mapping", points=2)
def mean_w_is_the_average_w(sub, ctx: Context):
    """mean_w estimates the average of mapping(z), not mapping of the average z"""
    _check_mean_w(sub, 5, np.random.default_rng(5))


@EXERCISE.check("mapping", points=1, hidden=True)
def mapping_other_depths(sub, ctx: Context):
    """other depths and seeds: `depth` layers, nonlinear, mean_w still the average w"""
    seed = ctx.seed("mapping_depth") % 10_000
    for depth in (2, 5):
        matrices = [w for w in sub.get_weights(_mapping(sub, seed, depth)) if np.ndim(w) == 2]
        if len(matrices) != depth:
            raise CheckFailed(f"build_mapping(seed, {Z_DIM}, {W_DIM}, depth={depth}) has {len(matrices)} weight matrices, "
                              f"expected {depth}: one Linear / Dense layer per unit of depth")
    _check_nonlinear(sub, _mapping(sub, seed), _rng(ctx, "mapping_affine").standard_normal((16, Z_DIM)))
    _check_mean_w(sub, ctx.seed("mean_w"), _rng(ctx, "mean_w_draws"))


@EXERCISE.check("mapping", points=1, hidden=True)
def truncate_other_psis(sub, ctx: Context):
    """truncation extrapolates for psi outside [0, 1] and broadcasts over the batch"""
    rng = _rng(ctx, "truncate")
    w, w_avg = rng.normal(0, 1, (7, W_DIM)), rng.normal(0, 1, W_DIM)
    for psi in (-0.5, 0.3, 1.5):
        _check_truncate(sub, w, w_avg, psi, "truncate(w, w_avg, psi)")


# -- part 3: synthesis network, generate ------------------------------------------------------------

def _synthesis(sub, seed: int = 0):
    return sub.call("build_synthesis", seed, W_DIM)


def _networks(sub, ctx: Context, hidden: bool):
    """(mapping, synthesis, w_avg) built once per grading run: seed 0 for the public checks, a salted seed
    for the hidden ones. Nothing trains them, so checks can share them (a Keras build costs ~0.4 s)."""
    def build():
        seed = ctx.seed("networks") % 10_000 if hidden else 0
        mapping = _mapping(sub, seed)
        w_avg = expect.shape(sub.call("mean_w", mapping, Z_DIM, 2000, seed), (W_DIM,), "mean_w(mapping, z_dim, 2000, seed)")
        return mapping, _synthesis(sub, seed + 1), w_avg
    return ctx.memo(f"networks/{hidden}", build)


def _images(out, n: int, layout: str, what: str) -> np.ndarray:
    out = expect.shape(out, to_layout(np.zeros((n, *IMAGE)), layout).shape, what, layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    expect.in_range(out, -1.0, 1.0, what, "end with tanh: images in [-1, 1]")
    return from_layout(out, layout).astype(np.float64)


def _synthesise(sub, synthesis, ws: np.ndarray, what: str) -> np.ndarray:
    return _images(sub.predict(synthesis, _f32(ws)), len(ws), sub.layout, what)


def _generate(sub, nets, z, psi, w_avg, z_mix=None, crossover=None, what="generate") -> np.ndarray:
    mapping, synthesis = nets
    out = sub.call("generate", mapping, synthesis, _f32(z), float(psi), _f32(w_avg),
                   None if z_mix is None else _f32(z_mix), crossover)
    return _images(out, len(z), sub.layout, what)


@EXERCISE.check("synthesis", points=1)
def synthesis_shape(sub, ctx: Context):
    """build_synthesis(seed, w_dim) maps ws (N, 4, w_dim) to RGB images in [-1, 1]; small and seeded"""
    n_params = model_checks.small_and_seeded(sub, "build_synthesis", MAX_SYNTHESIS_PARAMS, W_DIM)
    ws = np.random.default_rng(0).standard_normal((3, N_STYLES, W_DIM))
    _synthesise(sub, _synthesis(sub), ws, f"build_synthesis(0, {W_DIM}) applied to ws of shape (3, {N_STYLES}, {W_DIM})")
    return f"{n_params} parameters"


@EXERCISE.check("synthesis", points=2)
def every_block_takes_its_style(sub, ctx: Context):
    """changing ws[:, k] alone changes the image, for every block k"""
    _, synthesis, _ = _networks(sub, ctx, hidden=False)
    rng = np.random.default_rng(1)
    ws = rng.standard_normal((4, N_STYLES, W_DIM))
    base = _synthesise(sub, synthesis, ws, "synthesis(ws)")
    for k in range(N_STYLES):
        changed = ws.copy()
        changed[:, k] = rng.standard_normal((4, W_DIM))
        diff = float(np.abs(_synthesise(sub, synthesis, changed, f"synthesis(ws with block {k}'s style changed)") - base).mean())
        if diff < 1e-4:
            raise CheckFailed(f"changing only ws[:, {k}] left the images unchanged (mean change {diff:.2g}): block {k} "
                              f"must take its AdaIN scale and bias from its own style ws[:, {k}]")


def _mixed_styles(sub, mapping, z, psi, w_avg, z_mix=None, crossover=None, psi_mix=None) -> np.ndarray:
    """The ws the grader expects generate() to build, from the student's mapping and the grader's truncation
    (``psi_mix`` differs from ``psi`` only to recognise a mistake)."""
    w_avg = _f32(w_avg).astype(np.float64)
    w = w_avg + psi * (_map(sub, mapping, z, "mapping(z)") - w_avg)
    ws = np.repeat(w[:, None], N_STYLES, axis=1)
    if z_mix is not None:
        psi_mix = psi if psi_mix is None else psi_mix
        ws[:, crossover:] = (w_avg + psi_mix * (_map(sub, mapping, z_mix, "mapping(z_mix)") - w_avg))[:, None]
    return ws


def _check_generate(sub, ctx: Context, psi: float, crossover: int | None, hidden: bool) -> None:
    rng = _rng(ctx, f"generate/{crossover}") if hidden else np.random.default_rng(2)
    mapping, synthesis, w_avg = _networks(sub, ctx, hidden)
    z, z_mix = rng.standard_normal((5, Z_DIM)), rng.standard_normal((5, Z_DIM))
    mixing = crossover is not None
    call = f"generate(mapping, synthesis, z, psi={psi:g}, w_avg" + (f", z_mix, crossover={crossover})" if mixing else ")")
    got = _generate(sub, (mapping, synthesis), z, psi, w_avg, z_mix if mixing else None, crossover, call)
    expected = _synthesise(sub, synthesis, _mixed_styles(sub, mapping, z, psi, w_avg, z_mix if mixing else None, crossover),
                           "synthesis(ws)")
    if np.allclose(got, expected, rtol=1e-4, atol=1e-4):
        return
    hint = ("map z, truncate towards w_avg with psi, repeat w for every block"
            + (", then give blocks crossover.. the truncated w of z_mix" if mixing else ""))
    if mixing:
        variants = {
            "blocks 0..crossover-1 must take z's style and blocks crossover.. z_mix's; yours are swapped":
                _mixed_styles(sub, mapping, z_mix, psi, w_avg, z, crossover),
            "z_mix's w is not truncated: truncate both w's": _mixed_styles(sub, mapping, z, psi, w_avg, z_mix, crossover, 1.0),
        }
        for k in (crossover - 1, crossover + 1):
            if 0 <= k <= N_STYLES:
                variants[f"the crossover is off by one: ws[:, crossover:] (blocks {crossover}..{N_STYLES - 1}) take "
                         "z_mix's style"] = _mixed_styles(sub, mapping, z, psi, w_avg, z_mix, k)
        for text, ws in variants.items():
            if np.allclose(got, _synthesise(sub, synthesis, ws, "synthesis(ws)"), rtol=1e-4, atol=1e-4):
                hint = text
                break
    if np.allclose(got, _synthesise(sub, synthesis, _mixed_styles(sub, mapping, z, 1.0, w_avg, z_mix if mixing else None,
                                                                 crossover), "synthesis(ws)"), rtol=1e-4, atol=1e-4):
        hint = "these are untruncated samples: apply truncate(w, w_avg, psi) to the mapped w's"
    expect.close(got, expected, f"{call} vs synthesis of the styles it should build", rtol=1e-4, atol=1e-4, hint=hint)


@EXERCISE.check("synthesis", points=1)
def diversity_grows_with_psi(sub, ctx: Context):
    """samples of the same latents spread out as psi grows, and coincide at psi = 0"""
    return _diversity(sub, _networks(sub, ctx, hidden=False), np.random.default_rng(3))


def _diversity(sub, networks, rng: np.random.Generator) -> str:
    mapping, synthesis, w_avg = networks
    z = rng.standard_normal((16, Z_DIM))
    spread = []
    for psi in PSIS:
        flat = _generate(sub, (mapping, synthesis), z, psi, w_avg, what=f"generate(..., psi={psi:g})").reshape(len(z), -1)
        distances = np.sqrt(((flat[:, None] - flat[None]) ** 2).mean(axis=2))
        spread.append(float(distances[np.triu_indices(len(z), 1)].mean()))
    table = ", ".join(f"psi={p:g}: {s:.3g}" for p, s in zip(PSIS, spread))
    if spread[0] > MAX_DIVERSITY_AT_ZERO:
        raise CheckFailed(f"at psi=0 the samples differ (mean pairwise RMS distance {spread[0]:.3g}): generate must "
                          f"truncate every w towards w_avg, and psi = 0 gives every sample the average style. "
                          f"Diversity per psi: {table}")
    for (p0, s0), (p1, s1) in zip(zip(PSIS, spread), zip(PSIS[1:], spread[1:])):
        if not s1 >= MIN_GROWTH * s0 or s1 <= MAX_DIVERSITY_AT_ZERO:
            raise CheckFailed(f"the samples' diversity did not grow from psi={p0:g} to psi={p1:g} ({table}): "
                              "generate must truncate with the psi it is given, w_avg + psi * (w - w_avg)")
    return f"mean pairwise RMS distance {table}"


def _conv_groups(weights: list[np.ndarray]) -> list[list[int]]:
    """Indices of each convolution kernel (a 4-D weight) with its bias (a 1-D weight right after it, one value
    per output channel: axis 0 of a PyTorch kernel, the last axis of a Keras one)."""
    groups = []
    for i, w in enumerate(weights):
        if w.ndim == 4 and w.dtype.kind == "f":
            group = [i]
            nxt = weights[i + 1] if i + 1 < len(weights) else None
            if nxt is not None and nxt.ndim == 1 and len(nxt) in (w.shape[0], w.shape[-1]):
                group.append(i + 1)
            groups.append(group)
    return groups


def _check_normalised_blocks(sub, synthesis, ws: np.ndarray, what: str) -> str:
    weights = sub.get_weights(synthesis)
    base = _synthesise(sub, synthesis, ws, "synthesis(ws)")
    moves = []
    for group in _conv_groups(weights):
        scaled = [w * WEIGHT_SCALE if i in group else w for i, w in enumerate(weights)]
        moves.append(integrity.with_weights(sub, synthesis, scaled, lambda: float(np.abs(
            _synthesise(sub, synthesis, ws, "synthesis(ws) with a convolution's weights scaled") - base).mean())))
    invariant = sum(m <= MAX_INVARIANT_CHANGE for m in moves)
    if invariant < N_STYLES:
        found = ", ".join(f"{m:.2g}" for m in moves) or "none found"
        raise CheckFailed(f"{what}: multiplying a convolution's kernel and bias by {WEIGHT_SCALE:g} changed the images in "
                          f"{len(moves) - invariant} of {len(moves)} convolutions (mean pixel change per convolution: "
                          f"{found}); after each block's convolution AdaIN must normalise the features per sample and "
                          "channel (subtract the mean over H and W, divide by the standard deviation) before applying "
                          "the style's scale and bias, so scaling the convolution changes nothing. Each of the "
                          f"{N_STYLES} blocks needs its AdaIN (adain(x, 1 + scale, bias))")
    still = max(m for m in moves if m <= MAX_INVARIANT_CHANGE)
    return f"{invariant} of {len(moves)} convolutions feed an AdaIN that erases their scale (images moved by {still:.1g})"


@EXERCISE.check("synthesis", points=1)
def blocks_normalise_with_adain(sub, ctx: Context):
    """every block's AdaIN normalises its features: scaling a block's convolution leaves the image unchanged"""
    _, synthesis, _ = _networks(sub, ctx, hidden=False)
    ws = np.random.default_rng(4).standard_normal((4, N_STYLES, W_DIM))
    return _check_normalised_blocks(sub, synthesis, ws, "the synthesis network")


@EXERCISE.check("synthesis", points=2)
def generate_builds_the_styles(sub, ctx: Context):
    """generate maps, truncates and mixes styles at the crossover as stated"""
    _check_generate(sub, ctx, 0.7, None, hidden=False)
    _check_generate(sub, ctx, 0.7, 2, hidden=False)


@EXERCISE.check("synthesis", points=1, hidden=True)
def generate_other_crossovers(sub, ctx: Context):
    """style mixing at the other crossovers and truncations"""
    _check_generate(sub, ctx, 1.0, 1, hidden=True)
    _check_generate(sub, ctx, 0.4, 3, hidden=True)


@EXERCISE.check("synthesis", points=1, hidden=True)
def samples_are_independent(sub, ctx: Context):
    """one sample's styles do not change another sample's image"""
    _, synthesis, _ = _networks(sub, ctx, hidden=True)
    rng = _rng(ctx, "independent")
    ws = rng.standard_normal((3, N_STYLES, W_DIM))
    base = _synthesise(sub, synthesis, ws, "synthesis(ws)")
    changed = ws.copy()
    changed[1:] = rng.standard_normal((2, N_STYLES, W_DIM))
    again = _synthesise(sub, synthesis, changed, "synthesis(ws with samples 1-2 changed)")
    if not np.allclose(base[0], again[0], rtol=1e-4, atol=1e-4):
        raise CheckFailed("changing the styles of samples 1 and 2 changed sample 0's image: statistics must be taken "
                          "per sample (instance norm), never over the batch")
    _check_normalised_blocks(sub, synthesis, ws, "the synthesis network")


@EXERCISE.check("synthesis", points=1, hidden=True)
def diversity_other_networks(sub, ctx: Context):
    """diversity grows with psi for other networks and latents"""
    return _diversity(sub, _networks(sub, ctx, hidden=True), _rng(ctx, "diversity"))
