"""The self-check that student notebooks call after each graded part.

The setup cell of every notebook does::

    from graders.notebook import checker
    check = checker("object_detection", "torch", globals())

and each part is followed by ``check("iou")``, which runs that part's public checks against the
functions currently defined in the notebook and prints one line per check. When a check fails the
cell ends in an error, so nbgrader's autograder scores that cell zero, and the student sees a short
summary instead of a traceback.
"""
from __future__ import annotations

from typing import Any, Callable

from .core import GradeReport, load_exercise
from .submission import InProcessSubmission


class SelfCheckFailed(Exception):
    def __init__(self, report: GradeReport) -> None:
        failed = report.failed()
        super().__init__(f"{len(failed)} of {len(report.checks)} checks failed: "
                         + "; ".join(c.title for c in failed))

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"\033[31mSelfCheckFailed\033[0m: {self}"]


def checker(exercise_id: str, track: str, namespace: dict[str, Any]) -> Callable[[str], None]:
    exercise = load_exercise(exercise_id)
    submission = InProcessSubmission(namespace, track)

    def check(part: str) -> None:
        report = exercise.grade(submission, parts=[part], include_hidden=False)
        print(report.format(color=True))
        if not report.all_passed:
            raise SelfCheckFailed(report)
        print(f"All {len(report.checks)} checks of '{part}' passed.")


    check.parts = exercise.parts  # type: ignore[attr-defined]
    return check
