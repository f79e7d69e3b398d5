"""Grader for cnn_classification (seeds 000 #5, #26; 001 #1, #28; 004 #7): a small CNN on 16x16 digits.

Parts: ``build`` (``build_cnn(num_classes, seed)`` -> a model mapping images to logits), ``train``
(``train_cnn(model, images, labels, steps, seed, batch_size)`` trains in place and returns the
per-step losses) and ``predict`` (``predict_classes(model, images)`` -> class indices, in inference
mode). The grader trains the student's model with the student's code, then measures cross-entropy
and accuracy on held-out digits itself, from the logits it reads through ``sub.predict``.

Thresholds, from the references over 40 seeds per track and configuration: held-out accuracy
0.95-0.99 and cross-entropy 0.03-0.16 after 100 steps of 64 digits (public) or 75 steps of 128
(hidden); an untrained model scores about 0.1 and 2.3. The alternatives in
tests/alternatives/cnn_classification (no BatchNorm, constant learning rates, model.fit) score
0.90-0.99. Those figures are on the plain test digits, which the public check uses (students have
them; the shuffled-weights probe below is what defeats a lookup there); the hidden check measures on
salted re-renders of them (graders.heldout.digits), where the references score 0.93-0.97 and
0.11-0.22 (6 salts per track). It also counts optimizer steps, shuffles the trained weights (the accuracy must collapse)
and, in the hidden run, relabels the classes and sorts the training digits by class
(graders.integrity).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from fixtures import digits

from .. import expect, integrity, metrics
from ..core import CheckFailed, Context, Exercise
from ..layout import to_layout
from ..submission import StudentCodeError
from ..wire import Handle

EXERCISE = Exercise("cnn_classification")

NUM_CLASSES = 10
STEPS = 100                # optimizer steps of one grading run (about 1 s of CPU time)
BATCH_SIZE = 64            # public runs; the hidden run uses HIDDEN_BATCH_SIZE on other subsets
HIDDEN_STEPS = 75
HIDDEN_BATCH_SIZE = 128
MAX_LOSS_END = 1.0         # grader-measured cross-entropy on the training digits after training (ln 10 = 2.30 at the start)
SOFTMAX_TWICE_FLOOR = float(np.log1p((NUM_CLASSES - 1) / np.e))  # 1.46: cross-entropy of softmax(p), p in [0, 1]
MAX_HELDOUT_CE = 0.5       # held-out cross-entropy after training (reference 0.04-0.35, untrained 2.3)
MIN_HELDOUT_ACCURACY = 0.85  # reference 0.88-0.99, untrained about 0.1
MAX_PARAMETERS = 200_000   # a bigger model would not train within the grading budget on a CPU
MIN_PARAMETERS = 500
# Model dependence: with the values inside every weight tensor shuffled, a trained CNN is back to
# about chance on held-out digits (references, 6 salts per track: 0.04-0.12); a lookup of the public digits, or logits
# that do not come from the weights, keep their accuracy.
MAX_SHUFFLED_ACCURACY = 0.4


def track_words(layout: str) -> dict[str, str]:
    if layout == "NCHW":
        return {"input": "(N, 1, 16, 16)", "eval": "model.eval()", "step": "optimizer.step()",
                "loss": "nn.CrossEntropyLoss", "framework": "PyTorch", "seed": "torch.manual_seed(seed)"}
    return {"input": "(N, 16, 16, 1)", "eval": "training=False", "step": "optimizer.apply_gradients",
            "loss": "SparseCategoricalCrossentropy(from_logits=True)", "framework": "Keras",
            "seed": "keras.utils.set_random_seed(seed)"}


# -- fixtures and measurements done by the grader --------------------------------------------------
def digit_set(split: str, n: int | None = None, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """``n`` digits of ``split`` (all of them when ``n`` is None) as NHWC (N, 16, 16, 1) and labels."""
    images, labels = digits.load_digits(split) if n is None else digits.sample(n, split, seed)
    return images[..., None], labels


def cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    """Mean cross-entropy of integer labels under softmax(logits), in float64 (log-sum-exp)."""
    z = np.asarray(logits, np.float64)
    z = z - z.max(axis=1, keepdims=True)
    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_probs[np.arange(len(labels)), labels].mean())


def build(sub, num_classes: int, seed: int) -> Handle:
    model = sub.call("build_cnn", num_classes, seed)
    if not isinstance(model, Handle):
        kind = f"an array of shape {model.shape}" if isinstance(model, np.ndarray) else type(model).__name__
        raise CheckFailed(f"build_cnn({num_classes}, seed) returned {kind}; expected the model itself "
                          f"(a {'torch.nn.Module' if sub.layout == 'NCHW' else 'keras.Model'})")
    return model


def logits_of(sub, model: Handle, images_nhwc: np.ndarray, num_classes: int, what: str = "the model's output") -> np.ndarray:
    """The model's inference-mode outputs for NHWC images, fed in the track's layout, as float64."""
    n = len(images_nhwc)
    try:
        out = sub.predict(model, to_layout(images_nhwc, sub.layout))
    except StudentCodeError as exc:
        other = "NHWC" if sub.layout == "NCHW" else "NCHW"
        try:
            sub.predict(model, to_layout(images_nhwc, other))
        except StudentCodeError:
            raise exc from None
        words = track_words(sub.layout)
        raise CheckFailed(f"the model fails on a batch of shape {to_layout(images_nhwc, sub.layout).shape} "
                          f"({sub.layout}) but runs on {to_layout(images_nhwc, other).shape} ({other}): "
                          f"{words['framework']} images are {sub.layout}, {words['input']}; "
                          "build the first layer for that layout with 1 input channel") from None
    out = expect.shape(out, (n, num_classes), what)
    expect.dtype(out, "f", what, "float logits")
    return expect.finite(out.astype(np.float64), what)


def weight_values_changed(before: list[np.ndarray], after: list[np.ndarray]) -> float:
    """Fraction of the model's float weight values that differ (BatchNorm statistics are a few %)."""
    if len(before) != len(after):
        raise CheckFailed("the model's list of weights changed length during training; train the model "
                          "that build_cnn returned, in place")
    changed = total = 0
    for b, a in zip(before, after):
        if b.dtype.kind != "f":
            continue  # counters such as BatchNorm's num_batches_tracked
        total += b.size
        changed += int(np.sum(a != b)) if a.shape == b.shape else b.size
    return changed / max(total, 1)


def returned_losses(value, steps: int, what: str) -> np.ndarray:
    if isinstance(value, np.ndarray) and value.ndim == 1:
        losses = value
    elif isinstance(value, list):
        try:
            losses = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise CheckFailed(f"{what} returned a list that is not all numbers; append loss.item() "
                              "(PyTorch) or float(loss) (Keras) at each step") from None
    else:
        raise CheckFailed(f"{what} returned {type(value).__name__}; expected the list of per-step losses")
    if losses.shape != (steps,):
        raise CheckFailed(f"{what} returned {losses.size} losses for {steps} steps; expected one float per "
                          "optimizer step (steps counts batches, not epochs)")
    return expect.finite(losses.astype(np.float64), f"the losses {what} returned")


@dataclass
class TrainRun:
    losses: object             # raw return value of train_cnn: checked for format, never scored on its own
    steps: int
    steps_taken: int           # optimizer steps the grader counted during train_cnn
    changed: float             # fraction of weight values changed by training
    ce_before: float           # held-out cross-entropy before training
    ce_after: float
    accuracy: float            # held-out accuracy after training
    ce_train_before: float     # cross-entropy on the training digits before training (inference mode)
    ce_train: float            # ... and after training
    accuracy_train: float
    accuracy_shuffled: float   # held-out accuracy with the trained weights shuffled inside each tensor


def heldout_digits(seed: int, n: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Held-out digits built grader-side: test digits re-rendered with the grading seed, NHWC.

    Hidden checks only: graders.heldout is neither in the sandbox's view nor in the student
    distribution, so the public self-check measures on the public test split instead.
    """
    from ..heldout.digits import salted_digits

    images, labels = salted_digits(seed, n)
    return images[..., None], labels


def train_run(sub, ctx: Context, key: str, seed: int, steps: int, batch_size: int, train_n: int | None = None,
              test_n: int | None = None, permuted: bool = False, salted: bool = False) -> TrainRun:
    """Build and train the student's model once per grading run and measure it on held-out digits.

    ``permuted``: the grader relabels the classes with a seeded permutation and hands the training
    digits over sorted by (new) class. A model that learns from the data learns the new labels; a
    lookup of the public digits answers with the old ones, and a loop that trains on the same
    first batch every step sees one class only.
    """
    def run() -> TrainRun:
        x_train, y_train = digit_set("train", train_n, seed)
        x_test, y_test = heldout_digits(seed + 1, test_n) if salted else digit_set("test", test_n, seed + 1)
        if permuted:
            relabel = np.random.default_rng(seed).permutation(NUM_CLASSES)
            y_train, y_test = relabel[y_train], relabel[y_test]
            order = np.argsort(y_train, kind="stable")
            x_train, y_train = x_train[order], y_train[order]
        model = build(sub, NUM_CLASSES, seed)
        ce_before = cross_entropy(logits_of(sub, model, x_test, NUM_CLASSES), y_test)
        ce_train_before = cross_entropy(logits_of(sub, model, x_train, NUM_CLASSES), y_train)
        before = sub.get_weights(model)
        losses, steps_taken = integrity.train_counting_steps(
            sub, "train_cnn", model, to_layout(x_train, sub.layout), y_train, steps, seed, batch_size)
        trained = sub.get_weights(model)
        changed = weight_values_changed(before, trained)
        what = "the trained model's output"
        test_logits = logits_of(sub, model, x_test, NUM_CLASSES, what)
        train_logits = logits_of(sub, model, x_train, NUM_CLASSES, what)
        shuffled_logits = integrity.with_weights(sub, model, integrity.shuffled_weights(trained, seed),
                                                 lambda: logits_of(sub, model, x_test, NUM_CLASSES, what))
        return TrainRun(losses, steps, steps_taken, changed, ce_before, cross_entropy(test_logits, y_test),
                        metrics.accuracy(test_logits.argmax(axis=1), y_test), ce_train_before,
                        cross_entropy(train_logits, y_train), metrics.accuracy(train_logits.argmax(axis=1), y_train),
                        metrics.accuracy(shuffled_logits.argmax(axis=1), y_test))
    return ctx.memo(key, run)


def public_run(sub, ctx: Context) -> TrainRun:
    return train_run(sub, ctx, "public", ctx.seed("train") % 10_000, STEPS, BATCH_SIZE)


# -- part 1: the model ---------------------------------------------------------------------------
@EXERCISE.check("build", points=1)
def output_shape(sub, ctx: Context):
    """the model maps a batch of images to (N, num_classes) outputs"""
    images, _ = digit_set("test", 8, seed=1)
    seed = ctx.seed("build") % 10_000
    logits_of(sub, build(sub, NUM_CLASSES, seed), images, NUM_CLASSES, "model(images) for 10 classes")
    try:
        logits_of(sub, build(sub, 3, seed), images, 3, "model(images) for 3 classes")
    except CheckFailed as exc:
        raise CheckFailed(f"{exc}; size the last layer with num_classes, not a hard-coded 10") from None
    return f"(8, 10) logits for a batch of shape {to_layout(images, sub.layout).shape}"


def _not_probabilities(out: np.ndarray, what: str) -> None:
    if np.all(out >= -1e-6) and np.all(out <= 1 + 1e-6) and np.allclose(out.sum(axis=1), 1, atol=1e-3):
        raise CheckFailed(f"{what}: every row is in [0, 1] and sums to 1, so these are probabilities; "
                          "return logits (drop the final softmax): the cross-entropy loss applies it")
    if np.all(out >= 0) and np.mean(out == 0) >= 0.25:
        raise CheckFailed(f"{what}: no output is negative and {100 * np.mean(out == 0):.0f}% are exactly 0; logits are "
                          "unbounded scores: drop the ReLU after the last layer")
    if np.max(np.std(out, axis=0)) < 1e-6:
        raise CheckFailed(f"{what}: the outputs are the same for every image; does the forward pass use its input?")


@EXERCISE.check("build", points=1)
def outputs_logits(sub, ctx: Context):
    """the outputs are logits (no softmax) and depend on the image"""
    images, _ = digit_set("test", 32, seed=2)
    out = logits_of(sub, build(sub, NUM_CLASSES, ctx.seed("build") % 10_000), images, NUM_CLASSES)
    _not_probabilities(out, "the model's output")
    return f"logits in [{out.min():.3g}, {out.max():.3g}]"


def _initial_weights(sub, num_classes: int, seed: int) -> list[np.ndarray]:
    model = build(sub, num_classes, seed)
    images, _ = digit_set("test", 2, seed=4)
    logits_of(sub, model, images, num_classes)  # builds lazily-built models (Keras without an Input)
    return sub.get_weights(model)


def _seeded_and_small(sub, num_classes: int, seed: int) -> int:
    words = track_words(sub.layout)
    first = _initial_weights(sub, num_classes, seed)
    size = sum(int(w.size) for w in first if w.dtype.kind == "f")
    if size > MAX_PARAMETERS:
        raise CheckFailed(f"the model has {size:,} weights; keep it under {MAX_PARAMETERS:,} so that it trains "
                          "in seconds on a CPU (fewer channels, pool before the dense layer)")
    if size < MIN_PARAMETERS:
        raise CheckFailed(f"the model has only {size} weights; expected convolution and dense layers")
    again = _initial_weights(sub, num_classes, seed)
    if len(again) != len(first) or not all(np.array_equal(a, b) for a, b in zip(first, again)):
        raise CheckFailed(f"build_cnn({num_classes}, seed) twice with the same seed gave different weights; "
                          f"call {words['seed']} before creating the layers")
    other = _initial_weights(sub, num_classes, seed + 1)
    if len(other) == len(first) and all(np.array_equal(a, b) for a, b in zip(first, other)):
        raise CheckFailed(f"build_cnn gave the same weights for seeds {seed} and {seed + 1}: use the seed argument")
    return size


@EXERCISE.check("build", points=1)
def size_and_seed(sub, ctx: Context):
    """a small model, and the same seed gives the same weights"""
    size = _seeded_and_small(sub, NUM_CLASSES, ctx.seed("build") % 10_000)
    return f"{size:,} weights"


@EXERCISE.check("build", points=1, hidden=True)
def build_hidden(sub, ctx: Context):
    """other numbers of classes, seeds and batch sizes"""
    rng = np.random.default_rng(ctx.seed("build-hidden"))
    num_classes, seed = int(rng.integers(2, 16)), int(rng.integers(10_000))
    model = build(sub, num_classes, seed)
    single, _ = digit_set("test", 1, seed=seed)
    logits_of(sub, model, single, num_classes)
    batch, _ = digit_set("test", 5, seed=seed + 1)
    _not_probabilities(logits_of(sub, model, batch, num_classes), "the model's output")
    _seeded_and_small(sub, num_classes, seed)


# -- part 2: training ------------------------------------------------------------------------------
@EXERCISE.check("train", points=1)
def weights_changed(sub, ctx: Context):
    """training updates the model's weights in place"""
    run = public_run(sub, ctx)
    if run.changed < 0.25:
        words = track_words(sub.layout)
        raise CheckFailed(f"train_cnn changed only {100 * run.changed:.1f}% of the model's weight values "
                          f"(BatchNorm statistics at most): is {words['step']} called, on the parameters of "
                          "the model that was passed in?")
    budget = integrity.within_budget(run.steps_taken, run.steps, f"train_cnn(..., steps={run.steps})")
    # No point of this part for a model whose outputs do not come from its weights (a lookup, a filter).
    integrity.from_the_model(run.accuracy, run.accuracy_shuffled, MAX_SHUFFLED_ACCURACY, "held-out accuracy")
    return f"{100 * run.changed:.0f}% of the weight values changed in {budget}"


def _loss_hint(losses: np.ndarray, ce_train: float, layout: str) -> str:
    words = track_words(layout)
    end = float(np.mean(losses[-10:]))
    if np.min(losses) >= SOFTMAX_TWICE_FLOOR - 0.01 and (end < np.log(NUM_CLASSES) - 0.25 or ce_train < end - 0.3):
        return (f"it never goes below log(1 + 9/e) = {SOFTMAX_TWICE_FLOOR:.2f} and levels off just above it, the mark "
                f"of a softmax applied before a loss that expects logits: {words['loss']} applies log-softmax itself")
    return (f"the grader measures a cross-entropy of {ce_train:.3g} on the training digits after training; is the "
            f"loss {words['loss']} on the logits, with a learning rate near 1e-2 for Adam?")


@EXERCISE.check("train", points=1)
def training_loss_falls(sub, ctx: Context):
    """the cross-entropy the grader measures on the training digits falls well below ln 10 = 2.3"""
    run = public_run(sub, ctx)
    losses = _reported(run)  # for the diagnosis only
    if not run.ce_train <= MAX_LOSS_END:
        if losses is None:
            hint = _loss_hint(np.full(1, np.log(NUM_CLASSES)), run.ce_train, sub.layout)
        elif np.min(losses) < 0:
            hint = ("train_cnn's own losses are negative, but a cross-entropy is never negative: NLLLoss expects "
                    f"log-probabilities, not logits; use {track_words(sub.layout)['loss']} on the logits")
        elif np.mean(losses[-10:]) < 0.3:  # low in training mode, high in inference mode
            hint = _mode_hint(run)
        else:
            hint = _loss_hint(losses, run.ce_train, sub.layout)
        raise CheckFailed(f"the cross-entropy of the trained model's logits on its training digits is {run.ce_train:.3g} "
                          f"(it was {run.ce_train_before:.3g} before training; needs at most {MAX_LOSS_END:g}); {hint}")
    return f"training-digit cross-entropy {run.ce_train_before:.3g} -> {run.ce_train:.3g} (measured by the grader)"


def _reported(run: TrainRun) -> np.ndarray | None:
    """train_cnn's own losses when well-formed, for diagnoses only (they never earn points)."""
    try:
        return returned_losses(run.losses, run.steps, "train_cnn")
    except CheckFailed:
        return None


def _mode_hint(run: TrainRun) -> str:
    """Why the trained model does badly on held-out digits, from what the grader measured."""
    losses = _reported(run)
    reported_end = float(np.mean(losses[-10:])) if losses is not None else float("inf")
    if run.accuracy_train < 0.9 and reported_end < 0.3:
        return (f"the training loss is {reported_end:.2g} but in inference mode the model gets only "
                f"{100 * run.accuracy_train:.0f}% of its own training digits right: its inference-mode forward pass "
                "differs from the training one. BatchNorm's running statistics average the last batches (about 10 "
                "with PyTorch's momentum=0.1 or Keras' momentum=0.9, about 100 with Keras' default 0.99, too many for "
                "a short run): use momentum=0.9 in Keras, and decay the learning rate to 0 so that the statistics "
                "catch up with the final weights")
    if run.accuracy_train < 0.9:
        return (f"the model gets only {100 * run.accuracy_train:.0f}% of its own training digits right: it has not "
                "learned enough in this many steps (learning rate? optimizer?)")
    return "the model fits its training digits but not the held-out ones: a smaller model, or fewer steps?"


@EXERCISE.check("train", points=1)
def heldout_loss(sub, ctx: Context):
    """training lowers the cross-entropy of held-out digits (measured by the grader)"""
    run = public_run(sub, ctx)
    if not run.ce_after <= MAX_HELDOUT_CE:
        raise CheckFailed(f"the held-out cross-entropy of the logits is {run.ce_before:.3g} before and {run.ce_after:.3g} "
                          f"after {run.steps} steps; needs at most {MAX_HELDOUT_CE:g}; {_mode_hint(run)}")
    return f"held-out cross-entropy {run.ce_before:.3g} -> {run.ce_after:.3g} (needs at most {MAX_HELDOUT_CE:g})"


@EXERCISE.check("train", points=2)
def heldout_accuracy(sub, ctx: Context):
    """held-out accuracy after 100 steps, coming from the model's weights (measured by the grader)"""
    run = public_run(sub, ctx)
    note = expect.at_least(run.accuracy, MIN_HELDOUT_ACCURACY, "held-out accuracy", _mode_hint(run))
    integrity.from_the_model(run.accuracy, run.accuracy_shuffled, MAX_SHUFFLED_ACCURACY, "held-out accuracy")
    return f"{note}; {run.accuracy_shuffled:.2f} with the weights shuffled"


@EXERCISE.check("train", points=1)
def returns_losses(sub, ctx: Context):
    """returns one finite loss per step (format only), and the loss the grader measures falls"""
    # After the measured checks: a malformed list must not hide what the grader measured.
    run = public_run(sub, ctx)
    losses = returned_losses(run.losses, run.steps, "train_cnn")  # format only: the point is for the measurement
    note = integrity.measured_fall(run.ce_train_before, run.ce_train,
                                   "the cross-entropy the grader measures on the training digits", factor=0.8,
                                   hint=_loss_hint(losses, run.ce_train, sub.layout))
    return f"{len(losses)} losses; {note}"


@EXERCISE.check("train", points=2, hidden=True)
def train_hidden(sub, ctx: Context):
    """training with other seeds, a batch size, relabelled classes sorted by class, other held-out digits"""
    seed = ctx.seed("train-hidden") % 10_000
    run = train_run(sub, ctx, "hidden", seed, HIDDEN_STEPS, HIDDEN_BATCH_SIZE, train_n=1000, test_n=300, permuted=True,
                    salted=True)
    returned_losses(run.losses, run.steps, "train_cnn")
    integrity.within_budget(run.steps_taken, run.steps, "train_cnn")
    if run.changed < 0.25 or not run.ce_train <= MAX_LOSS_END:
        raise CheckFailed("training did not take")
    expect.at_most(run.ce_after, MAX_HELDOUT_CE, "held-out cross-entropy")
    expect.at_least(run.accuracy, MIN_HELDOUT_ACCURACY, "held-out accuracy")
    integrity.from_the_model(run.accuracy, run.accuracy_shuffled, MAX_SHUFFLED_ACCURACY, "held-out accuracy")


# -- part 3: predicting classes --------------------------------------------------------------------
def _predicted(sub, model: Handle, images_nhwc: np.ndarray, num_classes: int) -> np.ndarray:
    n = len(images_nhwc)
    got = sub.call("predict_classes", model, to_layout(images_nhwc, sub.layout))
    what = f"predict_classes(model, {n} images)"
    if isinstance(got, np.ndarray) and got.shape == (num_classes,) and n != num_classes:
        raise CheckFailed(f"{what} returned shape {got.shape}, one value per class: the argmax ran over the batch "
                          "axis; take it over the class axis (dim=1 / axis=-1)")
    if (isinstance(got, np.ndarray) and got.ndim == 0) or type(got) in (int, float):
        raise CheckFailed(f"{what} returned a single number: argmax without an axis flattens the batch; "
                          "take it over the class axis (dim=1 / axis=-1)")
    if isinstance(got, np.ndarray) and got.shape == (n, num_classes):
        raise CheckFailed(f"{what} returned shape {got.shape}, the scores; return the index of the largest "
                          "logit of each image (argmax over the class axis)")
    got = expect.shape(got, (n,), what)
    expect.dtype(got, "iu", what, "integer class indices")
    expect.in_range(got, 0, num_classes - 1, what, "class indices run from 0 to num_classes - 1")
    return got


def _matches_inference_logits(sub, model: Handle, images_nhwc: np.ndarray, num_classes: int, what: str) -> int:
    """predict_classes equals the argmax of the inference-mode logits and leaves the model unchanged."""
    words = track_words(sub.layout)
    logits = logits_of(sub, model, images_nhwc, num_classes)
    before = sub.get_weights(model)
    got = _predicted(sub, model, images_nhwc, num_classes)
    after = sub.get_weights(model)
    if len(before) != len(after) or not all(np.array_equal(a, b) for a, b in zip(before, after)):
        raise CheckFailed(f"predict_classes on {what} changed the model's weights (BatchNorm's running statistics are "
                          f"updated in training mode): predict in inference mode ({words['eval']})")
    top2 = np.sort(logits, axis=1)[:, -2:] if num_classes > 1 else np.zeros((len(logits), 2))
    clear = (top2[:, 1] - top2[:, 0]) > 1e-4  # skip near-ties, which rounding may break either way
    wrong = (got != logits.argmax(axis=1)) & clear
    if wrong.any():
        raise CheckFailed(f"predict_classes on {what} differs from the argmax of the model's inference-mode logits for "
                          f"{int(wrong.sum())} of {len(got)} images: predict in inference mode ({words['eval']}), "
                          "argmax over the class axis")
    return len(np.unique(got))


@EXERCISE.check("predict", points=1)
def predict_shape_dtype(sub, ctx: Context):
    """one integer class index per image"""
    images, _ = digit_set("test", 37, seed=3)
    got = _predicted(sub, build(sub, NUM_CLASSES, ctx.seed("predict") % 10_000), images, NUM_CLASSES)
    return f"shape {got.shape}, dtype {got.dtype}"


@EXERCISE.check("predict", points=2)
def predict_matches_logits(sub, ctx: Context):
    """the argmax of the inference-mode logits, for a batch of 37 and a single image"""
    images, _ = digit_set("test", 37, seed=3)
    model = build(sub, NUM_CLASSES, ctx.seed("predict") % 10_000)
    _matches_inference_logits(sub, model, images, NUM_CLASSES, "a batch of 37 digits")
    _matches_inference_logits(sub, model, images[:1], NUM_CLASSES, "a single digit")


@EXERCISE.check("predict", points=1, hidden=True)
def predict_hidden(sub, ctx: Context):
    """other models, batch sizes and a batch of a single class"""
    rng = np.random.default_rng(ctx.seed("predict-hidden"))
    num_classes = int(rng.integers(3, 12))
    model = build(sub, num_classes, int(rng.integers(10_000)))
    images, labels = digit_set("test")
    one_class = images[labels == rng.integers(10)][:20]
    _matches_inference_logits(sub, model, one_class, num_classes, "a batch of one digit class")
    picked = rng.choice(len(images), size=int(rng.integers(2, 60)), replace=False)
    _matches_inference_logits(sub, model, images[picked], num_classes, "other digits")
