"""Grade one notebook or solution script: ``python -m graders NOTEBOOK [--json OUT]``."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .core import GradeReport, load_exercise
from .submission import InProcessSubmission, read_source


def grade_path(path: str | Path, exercise: str | None = None, track: str | None = None,
               include_hidden: bool = True, salt: str | None = None) -> GradeReport:
    source = read_source(path)
    exercise = exercise or source.exercise
    track = track or source.track
    if not exercise or not track:
        raise ValueError(f"{path}: the notebook does not say which exercise and track it is "
                         "(metadata 'courseware'); pass --exercise and --track")
    sub = InProcessSubmission.from_source(source, track)
    try:
        return load_exercise(exercise).grade(sub, include_hidden=include_hidden, salt=salt,
                                             load_errors=sub.load_errors)
    finally:
        sub.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graders", description=__doc__)
    parser.add_argument("notebook", help="a student notebook (.ipynb) or a solution script (.py)")
    parser.add_argument("--exercise", help="exercise id (default: from the notebook's metadata)")
    parser.add_argument("--track", choices=["numpy", "torch", "tf"], help="default: from the notebook's metadata")
    parser.add_argument("--public-only", action="store_true", help="skip hidden checks (what students see)")
    parser.add_argument("--json", metavar="OUT", help="also write the result as JSON to OUT")
    args = parser.parse_args(argv)
    try:
        report = grade_path(args.notebook, args.exercise, args.track, include_hidden=not args.public_only)
    except (OSError, ValueError, KeyError, ModuleNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(report.format(color=sys.stdout.isatty()))
    print(f"\n{report.exercise} [{report.track}]: {report.score:g} / {report.max_score:g} points "
          f"in {report.seconds:.1f} s")
    if args.json:
        Path(args.json).write_text(report.to_json() + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
