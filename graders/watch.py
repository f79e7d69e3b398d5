"""What the submission side records while student code runs: forbidden calls and optimizer steps.

This runs where the student's code runs (in-process, or inside the sandboxed worker), behind the
submission interface: ``sub.forbid(patterns)`` and ``sub.optimizer_steps()``. Graders never import it.

* :class:`CallWatch` is a ``sys.setprofile`` hook installed around each call into student code. It
  sees Python and C calls however the function was referenced (an alias, ``getattr``, a saved
  reference), matches them by the name of their definition (``module.qualname``) or, for C
  functions that carry no module (cv2's), by identity, and records the matches. Calling
  ``sys.setprofile``/``threading.setprofile`` or leaving the hook removed is recorded too.
  Known blind spot: a C function called *from C* (``map(cv2.equalizeHist, ...)`` with a reference
  saved before the call) emits no profiler event.
* :class:`OptimizerSteps` counts ``torch.optim.Optimizer.step`` calls through torch's global
  optimizer step hook and Keras optimizer updates through each optimizer's ``iterations`` counter
  (which also counts updates inside ``tf.function`` and ``model.fit``).
"""
from __future__ import annotations

import sys
import threading
import types
from typing import Any, Iterable

WATCHER_REMOVED = "sys.setprofile (it removes the grader's call watcher)"


def _matches(name: str, pattern: str) -> bool:
    return name == pattern or name.startswith(pattern + ".")


def _resolve(pattern: str) -> Any:
    """The object a dotted pattern names, if its module is already imported (never imports)."""
    parts = pattern.split(".")
    for cut in range(len(parts), 0, -1):
        module = sys.modules.get(".".join(parts[:cut]))
        if module is None:
            continue
        obj: Any = module
        for attr in parts[cut:]:
            obj = getattr(obj, attr, None)
            if obj is None:
                return None
        return obj
    return None


class CallWatch:
    """Records calls to forbidden functions (dotted patterns: a function, or a whole module/package)."""

    def __init__(self) -> None:
        self.patterns: tuple[str, ...] = ()
        self.seen: list[str] = []
        self._targets: dict[int, str] = {}      # id of a resolved C function -> its pattern
        self._by_last: dict[str, list[str]] = {}
        self._active = False
        self._installed = self._hook  # one bound method, so that `is` finds it again

    def set(self, patterns: Iterable[str]) -> list[str]:
        """Watch ``patterns`` from now on; return what the previous patterns caught."""
        seen, self.seen = self.seen, []
        self.patterns = tuple(str(p) for p in patterns)
        self._targets.clear()
        self._by_last = {}
        for p in self.patterns:
            self._by_last.setdefault(p.rsplit(".", 1)[-1], []).append(p)
        return seen

    def _note(self, what: str) -> None:
        if what not in self.seen:
            self.seen.append(what)

    def _match_name(self, name: str) -> None:
        for p in self.patterns:
            if _matches(name, p):
                self._note(p)

    def _match_c(self, fn: Any) -> None:
        if fn is sys.setprofile or fn is threading.setprofile:
            self._note(WATCHER_REMOVED)
            return
        name = getattr(fn, "__name__", None)
        if not isinstance(name, str):
            return
        module = getattr(fn, "__module__", None)
        owner = getattr(fn, "__self__", None)
        if module is None and isinstance(owner, types.ModuleType):
            module = owner.__name__
        if isinstance(module, str):
            self._match_name(f"{module}.{getattr(fn, '__qualname__', name)}")
        for p in self._by_last.get(name, ()):  # cv2's functions have no __module__: compare identities
            target = _resolve(p)
            if target is not None:
                self._targets[id(target)] = p
        if id(fn) in self._targets:
            self._note(self._targets[id(fn)])

    def _hook(self, frame: Any, event: str, arg: Any) -> None:
        if not self._active:
            return
        if event == "call":
            code = frame.f_code
            self._match_name(f"{frame.f_globals.get('__name__')}.{getattr(code, 'co_qualname', code.co_name)}")
        elif event == "c_call":
            self._match_c(arg)

    def __enter__(self) -> "CallWatch":
        if self.patterns:
            self._previous = sys.getprofile()
            threading.setprofile(self._installed)
            sys.setprofile(self._installed)
            self._active = True
        return self

    def __exit__(self, *exc: Any) -> None:
        if not self.patterns:
            return
        self._active = False  # the hook sees our own sys.setprofile below: not the student's
        if sys.getprofile() is not self._installed:
            self._note(WATCHER_REMOVED)
        sys.setprofile(self._previous)
        threading.setprofile(None)


class OptimizerSteps:
    """A running count of optimizer steps taken in this process (PyTorch and Keras)."""

    _torch_steps = 0
    _torch_installed = False
    _keras_counters: "list[Any] | None" = None  # each Keras optimizer's `iterations` variable

    @classmethod
    def install_torch(cls) -> None:
        if cls._torch_installed:
            return
        from torch.optim.optimizer import register_optimizer_step_post_hook

        def count(optimizer: Any, args: Any, kwargs: Any) -> None:
            cls._torch_steps += 1

        register_optimizer_step_post_hook(count)
        cls._torch_installed = True

    @classmethod
    def install_keras(cls) -> None:
        if cls._keras_counters is not None:
            return
        from keras.src.optimizers.base_optimizer import BaseOptimizer

        counters: list[Any] = []
        original_init = BaseOptimizer.__init__

        def init(self: Any, *args: Any, **kwargs: Any) -> None:
            original_init(self, *args, **kwargs)
            # Keep the counter, not the optimizer: it outlives a train function's local optimizer.
            counters.append(self.iterations)

        BaseOptimizer.__init__ = init  # every Keras optimizer, including the ones compile() makes
        cls._keras_counters = counters

    @classmethod
    def total(cls) -> int:
        steps = cls._torch_steps
        for counter in list(cls._keras_counters or ()):
            try:
                steps += int(counter.numpy())
            except Exception:  # noqa: BLE001 - an optimizer not built yet has no counter
                pass
        return steps
