"""Grader for sr_transfer_learning (seed 000 #16, #25): load a pretrained model, freeze, fine-tune.

Everything is measured against the shipped network itself (fixtures.sr_transfer_learning: a tiny
residual x2 super-resolution model and its numpy forward pass):

* load: the student's model must compute the stored network (the grader's float64 numpy forward
  pass of the .npz on probe images), on the shipped file and on a second file it is given;
* freeze: the variables left trainable must be exactly those of the last layers, with the weights
  untouched;
* finetune: the grader freezes the pretrained model's first layers with the student's function,
  fine-tunes it with the student's `finetune` on pairs of a NEW degradation (blur before x2
  downscaling), and measures PSNR on held-out pairs of other photographs: the frozen weights must be
  bit-identical afterwards, fine-tuning must improve the pretrained model on the new degradation,
  and the pretrained start must clearly beat the same fine-tuning from a random initialisation
  (the shipped init file) after the same small budget. The thresholds come from measurements
  (reference over many seeds vs mutants); see the comments at MIN_ADAPT_GAIN.
"""
from __future__ import annotations

import numpy as np

from fixtures import sr_transfer_learning as fx

from .. import expect, integrity, model_checks
from ..core import CheckFailed, Context, Exercise
from ..layout import from_layout, to_layout
from ..metrics import psnr

EXERCISE = Exercise("sr_transfer_learning")

N_LAYERS = fx.N_LAYERS     # conv1 .. conv4
PUBLIC_FROZEN = 2          # the public run freezes conv1, conv2
HIDDEN_FROZEN = 1          # the hidden run freezes conv1 only
PUBLIC_DEGRADATION = {"factor": fx.NEW_FACTOR, "blur": fx.NEW_BLUR}   # blur 1 px, then x2 downscaling
HIDDEN_DEGRADATION = {"factor": 2, "blur": 1.5}                        # an even blurrier lens
TRAIN_SIZE = 32            # training patches handed to finetune
N_TRAIN = 256
TEST_SIZE = 48             # held-out patches (test photographs); PSNR skips fx.BORDER pixels at the edges
N_HELDOUT = 32
STEPS = 70                 # public fine-tuning budget: about 1 s of CPU per run (torch), 2 s (Keras)
HIDDEN_STEPS = 60          # hidden run (blurrier, so larger gains): pretrained only
TOLERANCE = 1e-4           # float32 forward pass of 4 convs vs the grader's float64 one (measured < 2e-6)
# Held-out PSNR thresholds (dB). Measured (torch float32, 8 seeds, 70 steps, conv1-2 frozen; Keras
# within 0.05 dB of it): the reference gains +0.71..+0.92 dB over the pretrained model as is,
# ends +1.13..+1.58 dB over bicubic and +0.97..+1.41 dB over the same fine-tuning from the random
# init; hidden run (blur 1.5, conv1 frozen, 60 steps): +1.00..+1.31 dB gain, +1.22..+1.66 over
# bicubic. Adam at lr 0.05 wrecks the model: -0.42..-0.49 dB gain, +0.00 over bicubic (its ReLUs
# die and it falls back to the bicubic input); swapped input/target: -1.8 dB; a loader that ignores
# its path makes the "scratch" model pretrained too: lead +0.0.
MIN_ADAPT_GAIN = 0.4           # fine-tuned minus pretrained-before, on the new degradation
MIN_OVER_BICUBIC = 0.7         # fine-tuned minus bicubic
MIN_LEAD_OVER_SCRATCH = 0.5    # pretrained start minus random start, same fine-tuning
# Model dependence (graders.integrity): with the values inside every weight tensor of the fine-tuned
# model shuffled, it must no longer reach the bar over bicubic: references (6 salts per track) -4.8..-0.31 dB
# (torch), -4.9..-0.03 dB (tf) over bicubic with shuffled weights. An unsharp mask (width 1,
# amount 2) of the bicubic input alone gains +1.39 dB over bicubic on the public held-out pairs, as much
# as the references: a filter switched on after fine-tuning keeps that gain when the weights are shuffled.
MAX_SHUFFLED_OVER_BICUBIC = MIN_OVER_BICUBIC - 0.01


# -- helpers -------------------------------------------------------------------------------------

def _track_arrays(params: dict[str, np.ndarray], layer: int, layout: str) -> list[np.ndarray]:
    """[kernel, bias] of conv `layer` (1-based) as the track stores them: OIHW for PyTorch, HWIO for Keras."""
    kernel, bias = (np.asarray(params[n], np.float32) for n in fx.names(layer))
    return [kernel.transpose(3, 2, 0, 1) if layout == "NCHW" else kernel, bias]


def _probe(n: int, size_h: int, size_w: int, seed: int) -> np.ndarray:
    """Bicubic-enlarged x2 images of the test photographs plus a random image, NHWC float32."""
    lr_up, _ = fx.bicubic_pairs(n, max(size_h, size_w), fx.SCALE, "test", seed)
    x = lr_up[:, :size_h, :size_w].copy()
    x[-1] = np.random.default_rng(seed).uniform(0, 1, x[-1].shape)  # no structure: every weight shows
    return x


def _predict(sub, model, x_nhwc: np.ndarray, what: str) -> np.ndarray:
    """Forward pass on NHWC images; checks shape (with layout hints), dtype, finiteness; returns NHWC float64."""
    x = to_layout(np.ascontiguousarray(x_nhwc, dtype=np.float32), sub.layout)
    out = expect.shape(sub.predict(model, x), x.shape, what, sub.layout)
    expect.dtype(out, "f", what, "a float dtype (float32)")
    expect.finite(out, what)
    return from_layout(out, sub.layout).astype(np.float64)


def _load(sub, path) -> object:
    """The student's model holding the weights of the .npz file at `path` (a Handle)."""
    return sub.call("load_pretrained", str(path))


def _diagnose_forward(params: dict[str, np.ndarray], x: np.ndarray, out: np.ndarray) -> str:
    """The likely cause when the student's model does not compute the stored network."""
    def err(p, residual=True):
        return float(np.max(np.abs(fx.forward(p, x, residual=residual) - out)))

    spatially_transposed = {k: (v.transpose(1, 0, 2, 3) if v.ndim == 4 else v) for k, v in params.items()}
    flipped = {k: (v[::-1, ::-1] if v.ndim == 4 else v) for k, v in params.items()}
    no_bias = {k: (v if v.ndim == 4 else np.zeros_like(v)) for k, v in params.items()}
    if err(params, residual=False) < TOLERANCE:
        return "the output lacks the skip connection: return x + conv4(...), the network predicts the residual"
    if err(spatially_transposed) < TOLERANCE:
        return ("kh and kw are swapped: the file's kernels are (kh, kw, c_in, c_out), Keras' own layout (use them "
                "as stored); PyTorch wants (c_out, c_in, kh, kw), i.e. kernel.transpose(3, 2, 0, 1), not (3, 2, 1, 0)")
    if err(flipped) < TOLERANCE:
        return "the kernels are flipped: the frameworks' convolutions are cross-correlations, use the kernels as stored"
    if err(no_bias) < TOLERANCE:
        return "the biases are missing: load conv{i}_bias into every layer (and keep bias=True / use_bias=True)"
    return ("the weights are not the stored ones in the right layout: load every conv{i}_kernel and conv{i}_bias "
            "of the file you are given, and convert kernels (kh, kw, c_in, c_out) with a transpose, not a "
            "reshape; do not re-initialise the model after loading")


def _check_matches(sub, path, x: np.ndarray, what: str) -> float:
    params = fx.load(path)
    model = _load(sub, path)
    out = _predict(sub, model, x, what)
    expected = fx.forward(params, x)
    error = float(np.max(np.abs(out - expected)))
    if not error <= TOLERANCE:
        raise CheckFailed(f"{what}: the output differs from the stored network's by up to {error:.3g} "
                          f"(tolerance {TOLERANCE:g}); {_diagnose_forward(params, x, out)}")
    return error


# -- part 1: load_pretrained ---------------------------------------------------------------------

@EXERCISE.check("load", points=1)
def output_shape(sub, ctx: Context):
    """maps (N, 1, H, W) NCHW / (N, H, W, 1) NHWC images to the same shape"""
    model = _load(sub, fx.PATH)
    x = _probe(4, 24, 24, seed=0)
    out = _predict(sub, model, x, "load_pretrained(PATH) applied to 4 images of 24x24")
    return f"output shape {to_layout(out, sub.layout).shape} ({sub.layout})"


@EXERCISE.check("load", points=2)
def matches_stored_network(sub, ctx: Context):
    """computes the stored network (compared with the grader's numpy forward pass)"""
    error = _check_matches(sub, fx.PATH, _probe(4, 24, 24, seed=0), "load_pretrained(PATH)")
    return f"largest difference from the stored network {error:.2g}"


@EXERCISE.check("load", points=1, hidden=True)
def other_file_and_size(sub, ctx: Context):
    """loads the file it is given, and works on other image sizes"""
    seed = ctx.seed("load") % 10_000
    _check_matches(sub, fx.INIT_PATH, _probe(3, 40, 56, seed=seed), "load_pretrained(another file)")
    _check_matches(sub, fx.PATH, _probe(2, 36, 20, seed=seed + 1), "load_pretrained(PATH)")


# -- part 2: freeze_for_finetuning ---------------------------------------------------------------

def _layer_of(array: np.ndarray, per_layer: list[list[np.ndarray]]) -> int | None:
    """The conv layer (1-based) whose kernel or bias `array` is, by shape and value; None if none."""
    for layer, arrays in enumerate(per_layer, start=1):
        for ref in arrays:
            if array.shape == ref.shape and np.allclose(array, ref, rtol=0, atol=1e-6):
                return layer
    return None


def _check_freeze(sub, n_frozen: int, what: str) -> str:
    params = fx.load(fx.PATH)
    per_layer = [_track_arrays(params, i, sub.layout) for i in range(1, N_LAYERS + 1)]
    sizes = [sum(a.size for a in arrays) for arrays in per_layer]
    model = _load(sub, fx.PATH)
    returned = sub.call("freeze_for_finetuning", model, n_frozen)
    if not isinstance(returned, list):
        raise CheckFailed(f"{what} returned {type(returned).__name__}; expected the list of trainable parameters "
                          "([p for p in model.parameters() if p.requires_grad] / model.trainable_weights)")
    arrays = [expect.array(a, f"an item of the list {what} returned") for a in returned]
    count = int(sum(a.size for a in arrays))
    expected = int(sum(sizes[n_frozen:]))
    total = int(sum(sizes))
    if count != expected:
        if count == total and n_frozen > 0:
            hint = ("nothing is frozen: set requires_grad_(False) on the frozen layers (layer.trainable = False in "
                    "Keras); model.eval() and torch.no_grad() do not freeze parameters")
        elif count == 0:
            hint = "everything is frozen: freeze only the first n_frozen conv layers"
        elif count == expected + sum(per_layer[i][1].size for i in range(n_frozen)):
            hint = "the biases of the frozen layers are still trainable: freeze weights and biases"
        elif count == sum(sizes[:N_LAYERS - n_frozen]):
            hint = "the wrong layers are frozen: freeze the first n_frozen layers (from the input), train the last ones"
        elif count in (sum(sizes[n_frozen + 1:]), sum(sizes[max(n_frozen - 1, 0):])):
            hint = f"off by one: freeze exactly conv1..conv{n_frozen} (n_frozen layers, counted from 1 at the input)"
        else:
            hint = "freeze the first n_frozen conv layers (weights and biases) and return the parameters left trainable"
        raise CheckFailed(f"{what}: {count} trainable parameters, expected {expected} of {total} "
                          f"(conv{n_frozen + 1}..conv{N_LAYERS} trainable); {hint}")
    layers = sorted({_layer_of(a, per_layer) or 0 for a in arrays})
    if layers and (layers[0] == 0 or layers[0] <= n_frozen):
        raise CheckFailed(f"{what}: the trainable parameters are not those of conv{n_frozen + 1}..conv{N_LAYERS} "
                          f"(found layers {layers}, 0 = not a weight of the stored network); freeze the first n_frozen "
                          "layers from the input, and do not change the weights")
    return f"{count} of {total} parameters trainable"


@EXERCISE.check("freeze", points=2)
def trainable_parameters(sub, ctx: Context):
    """freezing conv1, conv2 leaves exactly conv3, conv4 trainable"""
    return _check_freeze(sub, PUBLIC_FROZEN, f"freeze_for_finetuning(model, {PUBLIC_FROZEN})")


@EXERCISE.check("freeze", points=1)
def weights_untouched(sub, ctx: Context):
    """freezing changes no weight and no output"""
    what = f"freeze_for_finetuning(model, {PUBLIC_FROZEN})"
    model = _load(sub, fx.PATH)
    x = _probe(4, 24, 24, seed=5)
    w_before = sub.get_weights(model)
    sub.call("freeze_for_finetuning", model, PUBLIC_FROZEN)
    w_after = sub.get_weights(model)
    if len(w_before) != len(w_after) or not all(np.array_equal(a, b) for a, b in zip(w_before, w_after)):
        raise CheckFailed(f"{what} changed the model's weights; freezing only marks parameters as not trainable "
                          "(do not re-initialise or reload the layers)")
    out = _predict(sub, model, x, f"the model after {what}")
    error = float(np.max(np.abs(out - fx.forward(fx.load(fx.PATH), x))))
    if not error <= TOLERANCE:
        raise CheckFailed(f"after {what} the model no longer computes the stored network (difference {error:.3g}); "
                          "freezing must not change the forward pass")


@EXERCISE.check("freeze", points=1, hidden=True)
def other_counts(sub, ctx: Context):
    """other numbers of frozen layers, none and all included"""
    for n_frozen in (0, 1, 3, 4):
        _check_freeze(sub, n_frozen, f"freeze_for_finetuning(model, {n_frozen})")


# -- part 3: finetune ----------------------------------------------------------------------------

def finetune_data(seed: int, degradation: dict) -> tuple[np.ndarray, ...]:
    """(train lr_up, train hr, held-out lr_up, held-out hr), NHWC float32, of one degradation; the
    held-out pairs come from the test photographs, never seen in training."""
    x_tr, y_tr = fx.bicubic_pairs(N_TRAIN, TRAIN_SIZE, split="train", seed=seed, **degradation)
    x_te, y_te = fx.bicubic_pairs(N_HELDOUT, TEST_SIZE, split="test", seed=seed + 7919, **degradation)
    return x_tr, y_tr, x_te, y_te


def _psnr(out: np.ndarray, hr: np.ndarray) -> float:
    """PSNR (data range 1) of the output clipped to [0, 1], away from the borders."""
    inner = (slice(None), slice(fx.BORDER, -fx.BORDER), slice(fx.BORDER, -fx.BORDER))
    return psnr(np.clip(out, 0.0, 1.0)[inner], hr[inner], 1.0)


def _finetune(sub, model, x_tr: np.ndarray, y_tr: np.ndarray, seed: int, steps: int, what: str):
    """(returned losses, optimizer steps taken) of one `finetune` call."""
    sub.seed(seed)
    return integrity.train_counting_steps(sub, "finetune", model, to_layout(x_tr, sub.layout),
                                          to_layout(y_tr, sub.layout), int(steps), int(seed))


def train_and_measure(sub, seed: int, n_frozen: int, degradation: dict, steps: int = STEPS,
                      scratch: bool = True) -> dict:
    """Fine-tune the pretrained model (first n_frozen layers frozen with the student's function) and,
    if `scratch`, the randomly initialised one (nothing frozen) on the same pairs; measure both."""
    x_tr, y_tr, x_te, y_te = finetune_data(seed, degradation)
    per_layer = [_track_arrays(fx.load(fx.PATH), i, sub.layout) for i in range(1, N_LAYERS + 1)]
    model = _load(sub, fx.PATH)
    sub.call("freeze_for_finetuning", model, n_frozen)
    before = _predict(sub, model, x_te, "the pretrained model on held-out pairs")
    w_before = sub.get_weights(model)
    frozen = [j for j, w in enumerate(w_before) if (_layer_of(w, per_layer) or N_LAYERS + 1) <= n_frozen]
    losses, steps_taken = _finetune(sub, model, x_tr, y_tr, seed, steps, "finetune")
    w_after = sub.get_weights(model)
    after = _predict(sub, model, x_te, "the fine-tuned model on held-out pairs")
    shuffled = integrity.with_weights(sub, model, integrity.shuffled_weights(w_after, seed),
                                      lambda: _predict(sub, model, x_te, "the model with shuffled weights"))
    r = {
        "losses": losses, "steps": steps, "steps_taken": [steps_taken], "n_frozen": n_frozen, "w_before": w_before,
        "w_after": w_after, "frozen": frozen, "psnr_bicubic": _psnr(x_te, y_te), "psnr_before": _psnr(before, y_te),
        "psnr_after": _psnr(after, y_te), "psnr_shuffled": _psnr(shuffled, y_te),
    }
    if scratch:
        model = _load(sub, fx.INIT_PATH)
        r["psnr_scratch_before"] = _psnr(_predict(sub, model, x_te, "the randomly initialised model"), y_te)
        r["steps_taken"].append(_finetune(sub, model, x_tr, y_tr, seed, steps, "finetune")[1])
        r["psnr_scratch"] = _psnr(_predict(sub, model, x_te, "the model fine-tuned from scratch"), y_te)
    return r


def _public_run(sub, ctx: Context) -> dict:
    return ctx.memo("public", lambda: train_and_measure(sub, ctx.seed("finetune") % 100_000, PUBLIC_FROZEN,
                                                        PUBLIC_DEGRADATION))


def _check_losses(r: dict, what: str) -> str:
    """The returned list is checked for format only; the point is for what the grader measured: the weights
    changed, in exactly `steps` optimizer steps (in every fine-tuning run, from scratch too)."""
    losses = model_checks.loss_history(r["losses"], r["steps"], what)
    expect.weights_changed(r["w_before"], r["w_after"], what)
    for taken in r["steps_taken"]:
        budget = integrity.within_budget(taken, r["steps"], f"finetune(..., steps={r['steps']})")
    return f"{len(losses)} losses; the weights changed in {budget}"


def _check_frozen(r: dict, what: str) -> str:
    n = r["n_frozen"]
    if len(r["frozen"]) != 2 * n:
        raise CheckFailed(f"{what}: after freeze_for_finetuning(model, {n}) the grader finds {len(r['frozen'])} of the "
                          f"{2 * n} stored arrays of conv1..conv{n} in the model; fix the 'freeze' part first")
    moved = [j for j in r["frozen"] if len(r["w_after"]) != len(r["w_before"])
             or not np.array_equal(r["w_before"][j], r["w_after"][j])]
    if moved:
        raise CheckFailed(f"{what}: {len(moved)} of the {2 * n} frozen weight arrays (conv1..conv{n}) changed during "
                          "fine-tuning; frozen layers must stay bit-identical: optimise only the trainable parameters "
                          "and do not unfreeze (requires_grad_(True) / trainable = True) or re-initialise layers")
    return f"conv1..conv{n} bit-identical after fine-tuning"


def _diagnosis(r: dict) -> str:
    if "psnr_scratch_before" in r and abs(r["psnr_scratch_before"] - r["psnr_before"]) < 1e-3:
        return ("load_pretrained(the random-initialisation file) gave the pretrained model: does load_pretrained read "
                "the file at `path` it is given?")
    if r["psnr_after"] < r["psnr_before"]:
        return ("fine-tuning made the pretrained model worse: a learning rate far too high wrecks the pretrained "
                "weights (use about 1e-3 with Adam); is the loss mse(model(lr_up), hr), input and target the right way?")
    return "minimise mse(model(lr_up), hr) over the trainable parameters with Adam, learning rate about 1e-3"


def _check_adapts(r: dict, what: str) -> str:
    gain = r["psnr_after"] - r["psnr_before"]
    if not gain >= MIN_ADAPT_GAIN:
        raise CheckFailed(f"{what}: fine-tuning moved the held-out PSNR {r['psnr_before']:.2f} -> {r['psnr_after']:.2f} dB "
                          f"({gain:+.2f}), needs at least +{MIN_ADAPT_GAIN:g} dB; {_diagnosis(r)}")
    over = r["psnr_after"] - r["psnr_bicubic"]
    if not over >= MIN_OVER_BICUBIC:
        raise CheckFailed(f"{what}: the fine-tuned model is only {over:+.2f} dB over bicubic interpolation, needs "
                          f"+{MIN_OVER_BICUBIC:g} dB; {_diagnosis(r)}")
    shuffled = integrity.from_the_model(over, r["psnr_shuffled"] - r["psnr_bicubic"], MAX_SHUFFLED_OVER_BICUBIC,
                                        f"{what}: the fine-tuned model's PSNR over bicubic", " dB")
    return (f"PSNR {r['psnr_before']:.2f} -> {r['psnr_after']:.2f} dB ({gain:+.2f}, needs +{MIN_ADAPT_GAIN:g}); "
            f"bicubic {r['psnr_bicubic']:.2f} dB; {shuffled}")


def _check_scratch(r: dict, what: str) -> str:
    lead = r["psnr_after"] - r["psnr_scratch"]
    if not lead >= MIN_LEAD_OVER_SCRATCH:
        raise CheckFailed(f"{what}: after {r['steps']} steps the pretrained start reaches {r['psnr_after']:.2f} dB and "
                          f"the random start {r['psnr_scratch']:.2f} dB ({lead:+.2f}), the pretrained one must lead by "
                          f"+{MIN_LEAD_OVER_SCRATCH:g} dB; {_diagnosis(r)}")
    return f"pretrained {r['psnr_after']:.2f} dB vs from scratch {r['psnr_scratch']:.2f} dB after {r['steps']} steps"


@EXERCISE.check("finetune", points=1)
def returns_losses(sub, ctx: Context):
    """changes the weights in exactly `steps` optimizer steps (and returns one finite loss per step)"""
    return _check_losses(_public_run(sub, ctx), "finetune(...)")


@EXERCISE.check("finetune", points=1)
def frozen_layers_unchanged(sub, ctx: Context):
    """the frozen layers stay bit-identical during fine-tuning"""
    return _check_frozen(_public_run(sub, ctx), "finetune(...)")


@EXERCISE.check("finetune", points=1)
def adapts_to_new_degradation(sub, ctx: Context):
    """fine-tuning improves the pretrained model on the new degradation (held-out PSNR)"""
    return _check_adapts(_public_run(sub, ctx), "new degradation")


@EXERCISE.check("finetune", points=2)
def beats_training_from_scratch(sub, ctx: Context):
    """the pretrained start beats a random start after the same steps"""
    return _check_scratch(_public_run(sub, ctx), "new degradation")


@EXERCISE.check("finetune", points=2, hidden=True)
def other_setting(sub, ctx: Context):
    """another degradation, seed and number of frozen layers"""
    seed = ctx.seed("finetune-hidden") % 100_000
    r = ctx.memo("hidden", lambda: train_and_measure(sub, seed, HIDDEN_FROZEN, HIDDEN_DEGRADATION, HIDDEN_STEPS,
                                                          scratch=False))
    _check_losses(r, "finetune(...)")
    _check_frozen(r, "finetune(...)")
    _check_adapts(r, "another degradation")
