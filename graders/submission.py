"""How a grader reaches student code: the submission interface.

A grader holds a :class:`Submission` and nothing else of the student's. It can

* ``call(name, *args, **kwargs)``: call a function or class the notebook defines, with numpy arrays
  and plain values; arrays arrive in the student's code as the track's tensors, results come back
  as wire values (numpy arrays, plain values, or Handles for models);
* ``predict(handle, x)``, ``get_weights(handle)``, ``set_weights(handle, ws)``: the fixed adapter
  operations on a model handle;
* ``seed(n)``: pin every RNG on the submission side;
* ``forbid(patterns)``: from now on record calls to these library functions (dotted names of a
  function or a whole module) made by student code; returns what the previous patterns caught;
* ``optimizer_steps()``: how many optimizer steps the student's code has taken so far.

All comparisons happen in grader code on what comes back. :class:`InProcessSubmission` runs the
student's code in this process (self-checks inside a notebook, the reference tests); a sandboxed
implementation can run it in a worker process behind the same methods.
"""
from __future__ import annotations

import itertools
import linecache
import os
import re
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import wire
from .adapters import Adapter, make_adapter
from .watch import CallWatch
from .wire import Handle

# Cells with these tags are not executed when code is loaded for grading: self-checks would grade
# themselves, and demo cells (training runs, plots) cost time and grade nothing.
SKIPPED_TAGS = frozenset({"check", "demo"})


class StudentCodeError(Exception):
    """Student code raised, or a name the grader needs is missing."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


@dataclass
class CodeCell:
    source: str
    tags: tuple[str, ...] = ()


@dataclass
class SubmissionSource:
    """The code of one submission and what it claims to be (exercise and track from metadata)."""

    cells: list[CodeCell]
    exercise: str | None = None
    track: str | None = None
    path: str | None = None


def _strip_magics(source: str) -> str:
    # IPython magics and shell escapes are not Python; grading runs plain Python.
    return "\n".join("pass  # " + line if re.match(r"\s*[%!]", line) else line for line in source.splitlines())


def read_source(path: str | os.PathLike) -> SubmissionSource:
    """Read a notebook (.ipynb) or a jupytext percent-format script (.py)."""
    path = Path(path)
    if path.suffix == ".py":
        import jupytext

        nb = jupytext.read(path, fmt="py:percent")
    elif path.suffix == ".ipynb":
        import nbformat

        with open(path, encoding="utf-8") as f:
            nb = nbformat.read(f, as_version=4)
    else:
        raise ValueError(f"{path}: expected a .ipynb notebook or a .py script")
    meta = nb.metadata.get("courseware", {})
    if not meta and path.suffix == ".py":  # a reference solution: solutions/<module>/<exercise>/<track>.py
        meta = {"exercise": path.parent.name, "track": path.stem}
    cells = [
        CodeCell("".join(c.source), tuple(c.metadata.get("tags", ())))
        for c in nb.cells
        if c.cell_type == "code"
    ]
    return SubmissionSource(cells, meta.get("exercise"), meta.get("track"), str(path))


_SUBMISSION_COUNTER = itertools.count()


def execute_cells(cells: list[CodeCell], namespace: dict[str, Any]) -> list[str]:
    """Execute the gradable cells in order; a failing cell is reported and the rest still run."""
    errors = []
    run = next(_SUBMISSION_COUNTER)
    owner = os.getpid()
    for index, cell in enumerate(cells):
        if SKIPPED_TAGS.intersection(cell.tags):
            continue
        try:
            source = _strip_magics(cell.source)
            filename = f"<submission {run} cell {index}>"
            # Registered like IPython does, so tracebacks show the line and tf.function's AutoGraph
            # can read the source instead of warning that it cannot.
            linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
            exec(compile(source, filename, "exec"), namespace)
        except BaseException as exc:  # noqa: BLE001 - SystemExit from student code must not end grading
            errors.append(f"cell {index}: {type(exc).__name__}: {exc}")
        if os.getpid() != owner:  # a process the cell forked (a fork bomb's children) must not go on grading
            os._exit(0)
    return errors


def _describe(exc: BaseException) -> str:
    if isinstance(exc, NotImplementedError):
        return "not implemented yet (raises NotImplementedError)"
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


@dataclass
class InProcessSubmission:
    """Student code executed into ``namespace`` in this process, reached through wire values only."""

    namespace: dict[str, Any]
    track: str
    load_errors: list[str] = field(default_factory=list)
    adapter: Adapter = None  # type: ignore[assignment]
    _objects: dict[int, Any] = field(default_factory=dict)
    _calls: CallWatch = field(default_factory=CallWatch)

    def __post_init__(self) -> None:
        if self.adapter is None:
            self.adapter = make_adapter(self.track)

    @classmethod
    def from_source(cls, source: SubmissionSource, track: str | None = None) -> "InProcessSubmission":
        namespace: dict[str, Any] = {"__name__": "__submission__"}
        errors = execute_cells(source.cells, namespace)
        return cls(namespace, track or source.track or "numpy", errors)

    @classmethod
    def from_path(cls, path: str | os.PathLike, track: str | None = None) -> "InProcessSubmission":
        return cls.from_source(read_source(path), track)

    # -- the interface graders use -------------------------------------------------------------
    @property
    def layout(self) -> str:
        return self.adapter.layout

    @property
    def device(self) -> str:
        return self.adapter.device

    def has(self, name: str) -> bool:
        return callable(self.namespace.get(name))

    def seed(self, seed: int) -> None:
        self.adapter.seed(int(seed))

    def forbid(self, patterns: list[str]) -> list[str]:
        return self._calls.set(patterns)

    def optimizer_steps(self) -> int:
        return self.adapter.optimizer_steps()

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        fn = self.namespace.get(name)
        if not callable(fn):
            raise StudentCodeError(f"`{name}` is not defined: run its cell, and keep the name as given")
        return self._run(name, fn, args, kwargs)

    def predict(self, handle: Handle, x: np.ndarray) -> Any:
        model = self._object(handle)
        return self._run(f"{handle.type_name} (forward pass)", lambda x: self.adapter.predict(model, x), (x,), {})

    def get_weights(self, handle: Handle) -> list[np.ndarray]:
        model = self._object(handle)
        return self._run(f"{handle.type_name} weights", lambda: self.adapter.get_weights(model), (), {})

    def set_weights(self, handle: Handle, weights: list[np.ndarray]) -> None:
        model = self._object(handle)
        weights = [np.asarray(w) for w in weights]
        self._run(f"{handle.type_name} weights", lambda: self.adapter.set_weights(model, weights), (), {})

    def close(self) -> None:
        self._objects.clear()

    # -- boundary ------------------------------------------------------------------------------
    def _object(self, handle: Any) -> Any:
        if type(handle) is not Handle or handle.id not in self._objects:
            raise StudentCodeError(f"expected a model, got {handle!r}")
        return self._objects[handle.id]

    def _register(self, obj: Any) -> Handle:
        handle = Handle(len(self._objects) + 1, type(obj).__name__)
        self._objects[handle.id] = obj
        return handle

    def _inbound(self, value: Any) -> Any:
        value = wire.check_wire(value)
        if isinstance(value, np.ndarray):
            return self.adapter.to_track(value)
        if isinstance(value, Handle):
            return self._object(value)
        if isinstance(value, list):
            return [self._inbound(v) for v in value]
        if isinstance(value, dict):
            return {k: self._inbound(v) for k, v in value.items()}
        return value

    def _run(self, name: str, fn: Any, args: tuple, kwargs: dict) -> Any:
        args = tuple(self._inbound(a) for a in args)
        kwargs = {k: self._inbound(v) for k, v in kwargs.items()}
        try:
            with self._calls:
                result = fn(*args, **kwargs)
            out = wire.encode(result, self.adapter.to_numpy, self._register)
        except wire.WireError as exc:
            raise StudentCodeError(f"`{name}` returned something the grader cannot read: {exc}") from None
        except BaseException as exc:  # noqa: BLE001 - includes SystemExit/KeyboardInterrupt from student code
            if isinstance(exc, KeyboardInterrupt):
                raise
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            raise StudentCodeError(f"`{name}` raised {_describe(exc)}", "".join(tb[-3:])) from None
        return wire.check_wire(out)
