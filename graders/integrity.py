"""Checks that a result comes from the asked-for model, trained within the asked-for budget.

The exercise-check toolkit beside :mod:`graders.model_checks` (grader side; it reaches student code
only through ``sub``). What each helper defeats:

* :func:`train_counting_steps` + :func:`within_budget`: "steps used as epochs" and other budget
  overruns. The submission side counts optimizer steps (``sub.optimizer_steps()``, see
  :mod:`graders.watch`), so a loop that runs ``steps`` epochs is seen, whatever it returns.
* :func:`shuffled_weights` + :func:`with_weights`: output that does not come from the model (a
  lookup in a public pool, a classical filter switched on after training). The grader shuffles the
  values inside every weight tensor through ``sub.set_weights``, measures again and restores the
  weights: a trained model's quality collapses, a lookup's or a filter's does not move.
* :func:`measured_fall`: points for the grader's own before/after measurement. A loss list that
  ``train_*`` returns is checked for format only (:func:`graders.model_checks.loss_history`).
* :func:`plausible`: too good to be true. A result far beyond what the references reach over
  salts is reported as not coming from a model of the asked-for size and budget.

Held-out data lives grader-side (``graders/heldout/``, hidden from the sandboxed worker) and hidden
checks use salted variations of it; see :mod:`graders.heldout.digits`.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

import numpy as np

from .core import CheckFailed

T = TypeVar("T")


def train_counting_steps(sub: Any, train: str, *args: Any, **kwargs: Any) -> tuple[Any, int]:
    """Call ``train(*args, **kwargs)`` in the submission; return its result and the optimizer steps it took."""
    before = sub.optimizer_steps()
    result = sub.call(train, *args, **kwargs)
    return result, sub.optimizer_steps() - before


def within_budget(steps_taken: int, steps: int, what: str, optimizers: int = 1) -> str:
    """``what`` (a training call with ``steps``) took exactly ``optimizers * steps`` optimizer steps.

    ``optimizers`` is the number of optimizers one step updates (2 for a GAN's generator and
    discriminator). Zero counted steps means no optimizer of torch.optim or keras.optimizers was used.
    """
    expected = optimizers * steps
    if steps_taken == expected:
        return f"{steps_taken} optimizer steps"
    if steps_taken == 0:
        raise CheckFailed(f"{what} took no optimizer step the grader can count: update the weights with an optimizer "
                          "(torch.optim / keras.optimizers: optimizer.step(), apply_gradients, fit or train_on_batch), "
                          "one step per batch")
    if steps_taken > expected:
        epochs = " (were `steps` used as epochs?)" if steps_taken >= 2 * expected else ""
        raise CheckFailed(f"{what} took {steps_taken} optimizer steps, the budget is {expected}{epochs}: `steps` counts "
                          "optimizer updates, one batch each, not passes over the data")
    raise CheckFailed(f"{what} took {steps_taken} optimizer steps, expected {expected}: one update per step")


def shuffled_weights(weights: list[np.ndarray], seed: int) -> list[np.ndarray]:
    """The same values, shuffled inside every float tensor: same scale, no learned structure."""
    rng = np.random.default_rng(seed)
    out = []
    for w in weights:
        w = np.asarray(w)
        out.append(rng.permutation(w.ravel()).reshape(w.shape) if w.dtype.kind == "f" and w.size > 1 else w.copy())
    return out


def with_weights(sub: Any, model: Any, weights: list[np.ndarray], measure: Callable[[], T]) -> T:
    """Run ``measure()`` with ``weights`` set on ``model``, then restore the model's own weights."""
    original = sub.get_weights(model)
    sub.set_weights(model, weights)
    try:
        return measure()
    finally:
        sub.set_weights(model, original)


def from_the_model(trained: float, shuffled: float, limit: float, what: str, unit: str = "") -> str:
    """After shuffling the weights, ``what`` (higher is better) must fall to at most ``limit``."""
    if not shuffled <= limit:
        raise CheckFailed(f"{what} is {trained:.4g}{unit} and still {shuffled:.4g}{unit} after the grader shuffled the "
                          f"model's weights (a model's result collapses, to at most {limit:.4g}{unit}): the output does "
                          "not come from the model's weights. It must be the model's forward pass, not a lookup, a "
                          "classical filter or anything switched on after training")
    return f"{what} {trained:.4g}{unit}, {shuffled:.4g}{unit} with shuffled weights"


def measured_fall(before: float, after: float, what: str, factor: float = 1.0, hint: str = "") -> str:
    """The grader's own measurement ``what`` (lower is better) fell below ``factor`` times its start."""
    if not (np.isfinite(after) and after < factor * before):
        need = "below its start" if factor == 1.0 else f"below {factor:g}x its start"
        raise CheckFailed(f"{what} went {before:.4g} -> {after:.4g} during training, needs to fall {need}"
                          + (f"; {hint}" if hint else ""))
    return f"{what} {before:.4g} -> {after:.4g}"


def plausible(value: float, bound: float, what: str, higher_is_better: bool = True, unit: str = "",
              reference: str = "") -> str:
    """``value`` is not far beyond what a model of the asked-for size and budget reaches (``bound``, calibrated
    on the references over salts with a wide margin; ``reference`` says what they reach)."""
    beyond = value > bound if higher_is_better else value < bound
    if beyond:
        ref = f" (the references reach {reference})" if reference else ""
        raise CheckFailed(f"{what} is {value:.4g}{unit}, far beyond what a model of the asked-for size and training budget "
                          f"reaches{ref}: the result does not come from the model the exercise asks for")
    return f"{what} {value:.4g}{unit}"
