"""Staged assertions with messages that tell a student what is wrong and why it probably is.

Each helper converts what came back from student code to numpy itself, compares in grader code,
and raises :class:`~graders.core.CheckFailed` with a one-line message. Order checks from cheap and
structural (is it an array, shape, dtype, finite, range) to values and behaviour.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .core import CheckFailed
from .wire import Handle


def array(value: Any, what: str) -> np.ndarray:
    if isinstance(value, Handle):
        raise CheckFailed(f"{what} returned a {value.type_name} object; expected an array (did you return the model instead of its output?)")
    if isinstance(value, (list, tuple)):
        raise CheckFailed(f"{what} returned a {type(value).__name__}; expected a single array/tensor (stack the items?)")
    if not isinstance(value, np.ndarray):
        if isinstance(value, (int, float, bool)):
            raise CheckFailed(f"{what} returned the scalar {value!r}; expected an array")
        raise CheckFailed(f"{what} returned {type(value).__name__}; expected an array")
    return value


def scalar(value: Any, what: str) -> float:
    if isinstance(value, np.ndarray) and value.size == 1:
        value = value.reshape(())[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise CheckFailed(f"{what} returned {type(value).__name__}; expected a single number")
    return float(value)


def _layout_hint(got: Sequence[int], expected: Sequence[int], layout: str | None) -> str:
    got, expected = tuple(got), tuple(expected)
    if len(got) == 4 and len(expected) == 4 and sorted(got) == sorted(expected):
        if layout == "NCHW" and got == (expected[0], expected[2], expected[3], expected[1]):
            return ": channels last? This track is NCHW (PyTorch)"
        if layout == "NHWC" and got == (expected[0], expected[3], expected[1], expected[2]):
            return ": channels first? This track is NHWC (Keras/NumPy)"
        return ": axes in the wrong order?"
    if len(got) == len(expected) + 1 and 1 in got:
        return ": an extra axis of size 1 (squeeze it)?"
    if len(got) + 1 == len(expected) and 1 in expected:
        return ": a missing axis of size 1 (keepdims / unsqueeze)?"
    if len(got) == len(expected) - 1 and got == tuple(expected[1:]):
        return ": the batch axis is missing?"
    if len(got) >= 2 and got[1:] == tuple(expected[1:]) and got[0] != expected[0]:
        return ": wrong number of items; did you reduce or reshape over the batch axis?"
    return ""


def shape(value: Any, expected: Sequence[int], what: str, layout: str | None = None) -> np.ndarray:
    arr = array(value, what)
    expected = tuple(int(e) for e in expected)
    if arr.shape != expected:
        note = f" ({layout})" if layout and len(expected) == 4 else ""
        raise CheckFailed(f"{what}: expected shape {expected}{note}, got {arr.shape}"
                          f"{_layout_hint(arr.shape, expected, layout)}")
    return arr


def dtype(value: np.ndarray, kinds: str, what: str, name: str | None = None) -> np.ndarray:
    """``kinds`` uses numpy's dtype kind letters: 'f' float, 'u' unsigned, 'i' signed, 'b' bool."""
    if value.dtype.kind not in kinds:
        wanted = name or {"f": "a float dtype", "u": "an unsigned integer dtype", "i": "an integer dtype",
                          "b": "bool", "iu": "an integer dtype", "ui": "an integer dtype"}.get(kinds, kinds)
        raise CheckFailed(f"{what}: expected {wanted}, got {value.dtype}")
    return value


def exact_dtype(value: np.ndarray, expected: Any, what: str) -> np.ndarray:
    if value.dtype != np.dtype(expected):
        raise CheckFailed(f"{what}: expected dtype {np.dtype(expected)}, got {value.dtype}")
    return value


def finite(value: np.ndarray, what: str) -> np.ndarray:
    bad = ~np.isfinite(value)
    if bad.any():
        kind = "NaN" if np.isnan(value).any() else "inf"
        raise CheckFailed(f"{what}: {int(bad.sum())} {kind} value(s); check for log(0), division by zero or a diverging loss")
    return value


def in_range(value: np.ndarray, low: float, high: float, what: str, hint: str = "") -> np.ndarray:
    lo, hi = float(np.min(value)), float(np.max(value))
    if lo < low - 1e-6 or hi > high + 1e-6:
        raise CheckFailed(f"{what}: values must lie in [{low:g}, {high:g}], got [{lo:.4g}, {hi:.4g}]"
                          + (f"; {hint}" if hint else ""))
    return value


def close(got: Any, expected: np.ndarray, what: str, rtol: float = 1.3e-6, atol: float = 1e-5,
          hint: str = "") -> np.ndarray:
    """Elementwise comparison; fp32 defaults from torch.testing. Pass rtol/atol for maths in float64."""
    expected = np.asarray(expected)
    got = shape(got, expected.shape, what)
    g, e = got.astype(np.float64), expected.astype(np.float64)
    finite(g, what)
    err = np.abs(g - e)
    bad = err > atol + rtol * np.abs(e)
    if bad.any():
        idx = np.unravel_index(int(np.argmax(err)), err.shape) if err.ndim else ()
        where = f" at index {tuple(int(i) for i in idx)}" if idx else ""
        raise CheckFailed(f"{what}: {int(bad.sum())} of {bad.size} values differ from the expected result; "
                          f"largest difference {float(err.max()):.4g}{where} (got {float(g[idx]):.6g}, expected {float(e[idx]):.6g})"
                          + (f"; {hint}" if hint else ""))
    return got


def at_least(value: float, threshold: float, what: str, hint: str = "", unit: str = "") -> str:
    if not np.isfinite(value) or value < threshold:
        raise CheckFailed(f"{what} is {value:.4g}{unit}, needs at least {threshold:.4g}{unit}" + (f"; {hint}" if hint else ""))
    return f"{what} {value:.4g}{unit} (needs {threshold:.4g}{unit})"


def at_most(value: float, threshold: float, what: str, hint: str = "", unit: str = "") -> str:
    if not np.isfinite(value) or value > threshold:
        raise CheckFailed(f"{what} is {value:.4g}{unit}, needs at most {threshold:.4g}{unit}" + (f"; {hint}" if hint else ""))
    return f"{what} {value:.4g}{unit} (needs at most {threshold:.4g}{unit})"


def decreasing(curve: Sequence[float], what: str, factor: float = 0.8, hint: str = "") -> str:
    """A loss curve *measured by the grader*: the mean of its last third must be below ``factor`` times
    the mean of its first third, and every value finite."""
    values = np.asarray(curve, dtype=np.float64)
    finite(values, what)
    third = max(1, len(values) // 3)
    first, last = values[:third].mean(), values[-third:].mean()
    if not last < factor * first:
        raise CheckFailed(f"{what} did not fall enough: {first:.4g} -> {last:.4g} (needs below {factor:g}x the start)"
                          + (f"; {hint}" if hint else ""))
    return f"{what} {first:.4g} -> {last:.4g}"


def weights_changed(before: list[np.ndarray], after: list[np.ndarray], what: str) -> None:
    if len(before) != len(after) or not before:
        raise CheckFailed(f"{what}: the model's set of weights changed during training, or it has none")
    if all(np.array_equal(a, b) for a, b in zip(before, after)):
        raise CheckFailed(f"{what}: no weight changed during training; is optimizer.step() (or apply_gradients) called on this model's parameters?")
