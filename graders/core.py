"""Exercises, checks and grade reports.

A grader module declares one :class:`Exercise` and registers checks on it::

    EXERCISE = Exercise("histogram_equalization")

    @EXERCISE.check("equalize", points=1, title="output shape and dtype")
    def shape(sub, ctx):
        out = sub.call("equalize_hist", ctx.image)
        expect.shape(out, ctx.image.shape, "equalize_hist(img)")

Checks of one *part* run in order and are staged: once one fails, the later ones of that part are
not run (a value check after a failed shape check only adds noise). A check passes by returning
(optionally a short note for the student, e.g. the measured PSNR) and fails by raising
:class:`CheckFailed`. Hidden checks (``hidden=True``) run only when grading; their feedback says
what was checked, never what was expected.

An exercise may forbid library calls that *are* the answer of a part::

    EXERCISE = Exercise("histogram_equalization", forbidden={"equalize": ["cv2.equalizeHist"],
                                                               "*": ["graders.metrics"]})

Keys are parts (``"*"``: every part); values are dotted names of a function or of a whole module.
While a check of that part runs, the submission side records any such call made by student code
(:mod:`graders.watch`), and the check fails with a message naming the function.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import os
import time
from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from .submission import StudentCodeError
from .watch import WATCHER_REMOVED


class CheckFailed(AssertionError):
    """A check found a wrong answer; the message says what and, where known, the likely cause."""


@dataclass(frozen=True)
class Check:
    part: str
    name: str
    title: str
    points: float
    hidden: bool
    func: Callable[[Any, "Context"], Any]

    @property
    def id(self) -> str:
        return f"{self.part}.{self.name}"


@dataclass
class CheckResult:
    id: str
    part: str
    title: str
    points: float
    max_points: float
    passed: bool
    message: str
    seconds: float
    hidden: bool = False
    status: str = "passed"  # passed | failed | error (grader bug) | skipped (earlier check of part failed)


@dataclass
class GradeReport:
    exercise: str
    track: str
    checks: list[CheckResult] = field(default_factory=list)
    load_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def score(self) -> float:
        return round(sum(c.points for c in self.checks), 6)

    @property
    def max_score(self) -> float:
        return round(sum(c.max_points for c in self.checks), 6)

    @property
    def all_passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def failed(self) -> list[CheckResult]:
        return [c for c in self.checks if not c.passed]

    def to_dict(self) -> dict[str, Any]:
        return {
            "exercise": self.exercise,
            "track": self.track,
            "score": self.score,
            "max_score": self.max_score,
            "seconds": round(self.seconds, 3),
            "load_errors": self.load_errors,
            "checks": [asdict(c) | {"seconds": round(c.seconds, 3)} for c in self.checks],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)

    def format(self, color: bool = False) -> str:
        ok, bad = ("\033[32m✔\033[0m", "\033[31m✘\033[0m") if color else ("✔", "✘")
        lines = []
        for c in self.checks:
            mark = ok if c.passed else bad
            pts = f"[{c.points:g}/{c.max_points:g}]"
            head = f"{mark} {c.part}: {c.title}"
            lines.append(f"{head:<64} {pts}" + (f"  {c.message}" if c.message else ""))
        for err in self.load_errors:
            lines.append(f"! while loading the notebook: {err}")
        return "\n".join(lines)


class Context:
    """Per-grading-run state shared by the checks of an exercise: memoised work and seeds."""

    def __init__(self, exercise: str, salt: str) -> None:
        self.exercise = exercise
        self._salt = salt
        self._memo: dict[str, tuple[bool, Any]] = {}

    def memo(self, key: str, compute: Callable[[], Any]) -> Any:
        """Compute once per grading run (e.g. train the student's model once for several checks).

        A failure is memoised too, so every check that depends on it fails with the same message.
        """
        if key not in self._memo:
            try:
                self._memo[key] = (True, compute())
            except (CheckFailed, StudentCodeError) as exc:
                self._memo[key] = (False, exc)
        ok, value = self._memo[key]
        if not ok:
            raise value
        return value

    def seed(self, label: str) -> int:
        """A seed for training runs and hidden inputs, derived from the grading salt.

        Students' self-checks use the default salt; instructors set COURSE_GRADING_SALT so hidden
        inputs cannot be predicted, and the tests grade every reference under several salts so a
        training grader that passes only for one lucky seed is caught.
        """
        digest = hashlib.sha256(f"{self._salt}/{self.exercise}/{label}".encode()).digest()
        return int.from_bytes(digest[:4], "little") % (2**31 - 1)


def default_salt() -> str:
    return os.environ.get("COURSE_GRADING_SALT", "public")


class Exercise:
    def __init__(self, id: str, setup: Callable[[Context], None] | None = None,
                 forbidden: dict[str, list[str]] | None = None) -> None:
        self.id = id
        self.checks: list[Check] = []
        self._setup = setup
        self.forbidden = {part: list(names) for part, names in (forbidden or {}).items()}

    def forbidden_in(self, part: str) -> list[str]:
        """Library functions (dotted names) student code must not call while ``part`` is checked."""
        return list(dict.fromkeys(self.forbidden.get(part, []) + self.forbidden.get("*", [])))

    @property
    def parts(self) -> list[str]:
        return list(dict.fromkeys(c.part for c in self.checks))

    def check(self, part: str, points: float = 1, title: str | None = None, hidden: bool = False):
        def register(func: Callable[[Any, Context], Any]) -> Callable[[Any, Context], Any]:
            doc_title = (func.__doc__ or "").strip().splitlines()[0] if func.__doc__ else func.__name__
            check = Check(part, func.__name__, title or doc_title, float(points), hidden, func)
            if any(c.id == check.id for c in self.checks):
                raise ValueError(f"duplicate check id {check.id}")
            self.checks.append(check)
            return func

        return register

    def grade(self, sub: Any, parts: list[str] | None = None, include_hidden: bool = True,
              salt: str | None = None, load_errors: list[str] | None = None) -> GradeReport:
        unknown = set(parts or ()) - set(self.parts)
        if unknown:
            raise KeyError(f"{self.id} has no part {sorted(unknown)}; its parts are {self.parts}")
        ctx = Context(self.id, default_salt() if salt is None else salt)
        report = GradeReport(self.id, sub.track, load_errors=list(load_errors or ()))
        start = time.perf_counter()
        failed_in_part: dict[str, str] = {}
        for check in self.checks:
            if parts is not None and check.part not in parts:
                continue
            if check.hidden and not include_hidden:
                continue
            if check.part in failed_in_part:
                report.checks.append(CheckResult(
                    check.id, check.part, check.title, 0.0, check.points, False,
                    f"not run: fix '{failed_in_part[check.part]}' first", 0.0, check.hidden, "skipped"))
                continue
            begin_check = getattr(sub, "begin_check", None)  # a sandboxed submission starts the check's clock
            if begin_check is not None:
                begin_check(check.id)
            forbidden = self.forbidden_in(check.part)
            watching = bool(forbidden) and _forbid(sub, forbidden) is not None
            result = run_check(check, sub, ctx)
            if watching:
                called = _forbid(sub, [])
                if called:
                    result = _forbidden_call_result(result, called)
            if not result.passed:
                failed_in_part[check.part] = check.title
            report.checks.append(result)
        report.seconds = time.perf_counter() - start
        return report


def _forbid(sub: Any, patterns: list[str]) -> list[str] | None:
    """Ask the submission side to watch ``patterns``; what the previous watch caught, or None if unsupported."""
    forbid = getattr(sub, "forbid", None)
    if forbid is None:
        return None
    try:
        return list(forbid(patterns))
    except StudentCodeError:  # the worker is gone; the check itself reports why
        return []


def _forbidden_call_result(result: CheckResult, called: list[str]) -> CheckResult:
    names = [c for c in called if c != WATCHER_REMOVED]
    if names:
        message = (f"your code calls {', '.join(names)}, the library function this part asks you to write yourself; "
                   "the notebook says which library calls are fine here")
    else:
        message = f"your code calls {WATCHER_REMOVED}: the grader cannot then see which library functions it uses"
    result.points, result.passed, result.status, result.message = 0.0, False, "failed", message
    return result


def run_check(check: Check, sub: Any, ctx: Context) -> CheckResult:
    start = time.perf_counter()
    status, message = "passed", ""
    try:
        note = check.func(sub, ctx)
        message = "" if check.hidden or note is None else str(note)
    except CheckFailed as exc:
        status, message = "failed", str(exc)
    except StudentCodeError as exc:
        status, message = "failed", exc.message
    except Exception as exc:  # noqa: BLE001 - a grader bug must not abort the whole report
        status, message = "error", f"grader error ({type(exc).__name__}: {exc}); please report it"
    if check.hidden and status != "passed":
        # Hidden checks use other seeds and inputs: say what failed, never what was expected.
        message = "hidden check failed: your code works on the public inputs but not on other inputs"
    passed = status == "passed"
    return CheckResult(check.id, check.part, check.title, check.points if passed else 0.0, check.points,
                       passed, message, time.perf_counter() - start, check.hidden, status)


def load_exercise(exercise_id: str) -> Exercise:
    module = importlib.import_module(f"graders.exercises.{exercise_id}")
    return module.EXERCISE
