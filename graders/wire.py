"""The values allowed to cross the boundary between grader and student code.

Everything the grader sends to, or receives from, a submission is reduced to *wire values*:

* ``None``, ``bool``, ``int``, ``float``, ``str`` (exact built-in types, never subclasses);
* ``list`` and ``dict`` (``str`` keys) of wire values;
* ``numpy.ndarray`` with a numeric or boolean dtype (a plain base-class array, copied);
* :class:`Handle`, an opaque reference to an object that stays on the submission side (a model).

Nothing else crosses. A student object whose ``__eq__`` always returns True, a float subclass that
lies about its value, or a tensor subclass never reaches grader code: it is converted to one of the
types above or becomes a Handle. The same rules will serialise values over the pipe to a sandboxed
worker process, so grader code written against them works unchanged there.
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

MAX_DEPTH = 8  # nesting deeper than this is almost certainly a bug or an attack


@dataclass(frozen=True)
class Handle:
    """Opaque reference to an object living on the submission side (for example a model)."""

    id: int
    type_name: str

    def __repr__(self) -> str:
        return f"<handle #{self.id}: {self.type_name}>"


class WireError(TypeError):
    """A value cannot cross the boundary."""


def is_numeric_array(x: np.ndarray) -> bool:
    return x.dtype.kind in "biuf"


def encode(value: Any, to_numpy: Callable[[Any], np.ndarray | None], register: Callable[[Any], Handle],
           depth: int = 0) -> Any:
    """Reduce a value produced by student code to wire values (runs on the submission side).

    ``to_numpy`` converts framework tensors (returns None when the value is not a tensor);
    ``register`` stores any other object and returns a Handle for it.
    """
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or type(value) in (bool, int, float, str):
        return value
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray):
        if not is_numeric_array(value):
            raise WireError(f"arrays must be numeric or boolean, got dtype {value.dtype}")
        return np.array(value, copy=True, subok=False)
    array = to_numpy(value)
    if array is not None:
        return encode(array, to_numpy, register, depth + 1)
    if isinstance(value, (list, tuple)):
        return [encode(v, to_numpy, register, depth + 1) for v in value]
    if isinstance(value, dict) and all(type(k) is str for k in value):
        return {k: encode(v, to_numpy, register, depth + 1) for k, v in value.items()}
    return register(value)


def check_wire(value: Any, depth: int = 0) -> Any:
    """Validate a value arriving on the grader side; raise WireError if anything is not a wire value."""
    if depth > MAX_DEPTH:
        raise WireError("value nested too deeply")
    if value is None or type(value) in (bool, int, float, str, Handle):
        return value
    if type(value) is np.ndarray and is_numeric_array(value):
        return value
    if type(value) is list:
        return [check_wire(v, depth + 1) for v in value]
    if type(value) is dict and all(type(k) is str for k in value):
        return {k: check_wire(v, depth + 1) for k, v in value.items()}
    raise WireError(f"not a wire value: {type(value).__name__}")
