"""Checks that most model exercises share: a small, seeded model and the loss history of training.

Graders call them from their own checks (see graders/exercises/denoising_autoencoder.py), so the
messages students read are the same across exercises.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import expect
from .core import CheckFailed


def count_params(weights: list[np.ndarray]) -> int:
    return int(sum(np.asarray(w).size for w in weights))


def small_and_seeded(sub: Any, builder: str, max_params: int, *args: Any, seed_last: bool = False) -> int:
    """``builder(seed, *args)`` (``builder(*args, seed)`` with ``seed_last``) gives at most ``max_params``
    weights that depend on ``seed`` only; returns the parameter count. Builds with seeds 3, 3 (under
    another global RNG state) and 4."""
    def arguments(seed: int) -> tuple:
        return (*args, seed) if seed_last else (seed, *args)

    def build(seed: int) -> Any:
        return sub.call(builder, *arguments(seed))

    def call(seed: int) -> str:
        return f"{builder}({', '.join(repr(a) for a in arguments(seed))})"

    w0 = sub.get_weights(build(3))
    n_params = count_params(w0)
    if n_params == 0:
        raise CheckFailed(f"{call(3)} has no weights")
    if n_params > max_params:
        raise CheckFailed(f"{call(3)} has {n_params} parameters, at most {max_params} allowed: a few thousand "
                          "are enough for these small images, and grading trains your model within seconds")
    sub.seed(123)  # another global RNG state: the weights must depend on `seed` only
    w1 = sub.get_weights(build(3))
    if len(w0) != len(w1) or not all(np.array_equal(a, b) for a, b in zip(w0, w1)):
        raise CheckFailed(f"{call(3)} gave different initial weights on a second call: seed the RNG with `seed` "
                          "(torch.manual_seed / keras.utils.set_random_seed) before creating the layers")
    w2 = sub.get_weights(build(4))
    if len(w0) == len(w2) and all(np.array_equal(a, b) for a, b in zip(w0, w2)):
        raise CheckFailed(f"{call(3)} and {call(4)} have the same weights: use the `seed` argument")
    return n_params


def loss_history(losses: Any, steps: int, what: str) -> list[float]:
    """What a training function returns: a list of ``steps`` finite Python floats, one per step."""
    if not isinstance(losses, list):
        raise CheckFailed(f"{what} must return a list of Python floats, got {type(losses).__name__}")
    odd = [v for v in losses if not isinstance(v, (int, float)) or isinstance(v, bool)]
    if odd:
        kind = "tensors" if isinstance(odd[0], np.ndarray) else type(odd[0]).__name__
        raise CheckFailed(f"{what} must return a list of Python floats, got a list holding {kind}: append "
                          "loss.item() (PyTorch) or float(loss) (Keras), not the loss tensor, which keeps every "
                          "step's graph alive")
    if len(losses) != steps:
        raise CheckFailed(f"{what} returned {len(losses)} losses for steps={steps}: one per optimiser step")
    expect.finite(np.asarray(losses, np.float64), f"the losses {what} returned")
    return [float(v) for v in losses]
