"""Helpers the test suite uses to grade references, student stubs and mutants."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from . import catalog
from .core import GradeReport, load_exercise
from .submission import CodeCell, InProcessSubmission, read_source

MUTANTS = catalog.ROOT / "tests" / "mutants"
ALTERNATIVES = catalog.ROOT / "tests" / "alternatives"


def selected_exercises() -> list[catalog.Exercise]:
    """Every ready exercise; or those named in COURSE_EXERCISES (comma-separated), ready or not,
    so an author can run the whole test battery on an exercise before marking it ready."""
    cat = catalog.load()
    names = [n for n in os.environ.get("COURSE_EXERCISES", "").replace(",", " ").split() if n]
    unknown = set(names) - set(cat.exercises)
    if unknown:
        raise KeyError(f"COURSE_EXERCISES names unknown exercises: {sorted(unknown)}")
    return [cat.exercises[n] for n in names] if names else cat.ready()


def ready_tracks() -> list[tuple[str, str]]:
    """(exercise id, track) for every selected exercise, the parametrisation of most tests."""
    return [(ex.id, track) for ex in selected_exercises() for track in ex.tracks]


def grade_file(path: Path, exercise: str, track: str, extra_code: str = "", salt: str | None = None,
               parts: list[str] | None = None) -> GradeReport:
    source = read_source(path)
    if extra_code:
        source.cells.append(CodeCell(extra_code))
    sub = InProcessSubmission.from_source(source, track)
    try:
        return load_exercise(exercise).grade(sub, parts=parts, salt=salt, load_errors=sub.load_errors)
    finally:
        sub.close()


@dataclass(frozen=True)
class Mutant:
    """A known-wrong (or, under tests/alternatives, a differently-right) solution: code run after
    the reference that redefines one piece of it.

    Its docstring says what mistake it makes, on which tracks, which checks must catch it, and
    optionally a phrase the failure message must contain::

        \"\"\"Forgets to subtract cdf_min, so the darkest level does not map to 0.

        tracks: numpy
        expect-fail: equalize.equalize_matches_opencv
        message: subtract cdf_min
        \"\"\"
    """

    path: Path
    exercise: str
    tracks: tuple[str, ...]
    expect_fail: tuple[str, ...]
    message: str | None
    code: str

    @property
    def name(self) -> str:
        return f"{self.exercise}/{self.path.stem}"

    @property
    def parts(self) -> list[str]:
        return sorted({c.split(".")[0] for c in self.expect_fail})


def _field(doc: str, key: str) -> str | None:
    m = re.search(rf"^\s*{key}:\s*(.+)$", doc, re.MULTILINE)
    return m.group(1).strip() if m else None


def load_mutants(folder: Path = MUTANTS) -> list[Mutant]:
    """Mutants need 'expect-fail:'; alternatives (``folder=ALTERNATIVES``) must score full marks."""
    mutants = []
    for path in sorted(folder.glob("*/*.py")):
        code = path.read_text(encoding="utf-8")
        doc_match = re.match(r'\s*"""(.*?)"""', code, re.DOTALL)
        doc = doc_match.group(1) if doc_match else ""
        tracks, expect_fail = _field(doc, "tracks"), _field(doc, "expect-fail")
        if not tracks or (folder == MUTANTS and not expect_fail):
            raise ValueError(f"{path}: the docstring needs 'tracks:' and 'expect-fail:' lines")
        mutants.append(Mutant(path, path.parent.name, tuple(tracks.replace(",", " ").split()),
                              tuple((expect_fail or "").replace(",", " ").split()), _field(doc, "message"), code))
    return mutants
