"""``course``: the maintainers' command (build notebooks, README table, scaffold, demo, nbgrader course, student wheel)."""
from __future__ import annotations

import argparse
import sys

from . import build, readme


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="course", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="generate course/ notebooks and the README table from solutions/ and the catalog")
    b.add_argument("exercise", nargs="*", help="only these exercise ids (default: every ready exercise)")
    b.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything is stale")
    s = sub.add_parser("scaffold", help="create the files of a planned exercise from templates")
    s.add_argument("exercise")
    d = sub.add_parser("demo", help="grade the shipped demo class and print a score table")
    d.add_argument("--out", default="results/demo", help="folder for the JSON results (default: %(default)s)")
    t = sub.add_parser("time", help="median grading time of each reference (imports excluded)")
    t.add_argument("exercise", nargs="*")
    t.add_argument("--repeat", type=int, default=5)
    n = sub.add_parser("nbgrader", help="write an nbgrader course directory: nbgrader_config.py and source/<module>/")
    n.add_argument("course_dir")
    n.add_argument("--course-id", default="dlcv-course", help="nbgrader course id (default: %(default)s)")
    n.add_argument("--exchange", default="/srv/nbgrader/exchange",
                   help="exchange folder shared with the students (default: %(default)s)")
    n.add_argument("--module", action="append", help="only this module (repeatable; default: every module with a ready exercise)")
    n.add_argument("--force", action="store_true", help="overwrite source notebooks that differ from the catalog's")
    w = sub.add_parser("student-dist", help="build the students' wheel: notebooks, public checks, fixtures, no answers")
    w.add_argument("exercise", nargs="*", help="only these exercises (default: every ready exercise)")
    w.add_argument("--out", default="dist/student", help="folder for the wheel (default: %(default)s)")
    args = parser.parse_args(argv)

    if args.command == "build":
        from .demo import make_demo_class

        stale = build.build(args.exercise or None, check_only=args.check)
        if not args.exercise:
            stale += make_demo_class(check_only=args.check)
        readme_stale = readme.update(check_only=args.check)
        for path in stale:
            print(("stale: " if args.check else "wrote ") + str(path.relative_to(build.catalog_mod.ROOT)))
        if readme_stale:
            print(("stale: " if args.check else "updated ") + "README.md course table")
        if args.check and (stale or readme_stale):
            print("run `course build` and commit the result", file=sys.stderr)
            return 1
        return 0
    if args.command == "scaffold":
        from .scaffold import scaffold

        for path in scaffold(args.exercise):
            print(f"created {path}")
        return 0
    if args.command == "demo":
        from .demo import run_demo

        return run_demo(args.out)
    if args.command == "nbgrader":
        from pathlib import Path

        from .nbgrader_course import write_course

        try:
            done = write_course(Path(args.course_dir), args.course_id, args.exchange, args.module, args.force)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        for path, what in done:
            print(f"{what}: {path}")
        return 0
    if args.command == "student-dist":
        from pathlib import Path

        from .student_dist import build as build_student_dist

        try:
            wheel = build_student_dist(Path(args.out), args.exercise or None)
        except build.BuildError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {wheel}")
        return 0
    if args.command == "time":
        from .timing import time_exercises

        time_exercises(args.exercise or None, args.repeat)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
