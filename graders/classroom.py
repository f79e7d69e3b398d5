"""Grade a whole class: ``python -m graders.classroom SUBMITTED --out RESULTS`` (also ``grade-class``).

Input: nbgrader's ``submitted/<student>/<assignment>/<notebook>.ipynb``, ``<student>/<notebook>.ipynb``,
or a flat folder of ``<student>.ipynb`` notebooks. A notebook named ``<exercise>_<track>.ipynb`` (as
released) is graded as that exercise whatever its metadata claims; otherwise its metadata decides.

Every submission runs in its own confined worker (:mod:`graders.remote`, :mod:`graders.sandbox`)
while the checks run here. Output, all rebuilt from the per-submission JSON files, so re-running or
regrading one student (``--student``) is idempotent:

* ``<out>/<student>/<notebook>.json``: per check points, max points, passed, message, seconds; per
  submission a status (ok, timeout, memory, crashed, invalid) and its reason;
* ``<out>/<student>/feedback.html``: verdicts, messages, the student's own plots, the score;
* ``<out>/gradebook.csv`` (a row per student, a column per notebook, total) and ``<out>/checks.csv``
  (a row per check); ``<out>/run.json``: limits and the isolation that was in force;
* with ``--nbgrader-db``, the scores in nbgrader's gradebook (:mod:`graders.nbgrader_sync`).
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import catalog as catalog_mod
from . import sandbox
from .core import default_salt, load_exercise
from .submission import SKIPPED_TAGS, CodeCell  # noqa: F401 - SKIPPED_TAGS documents what workers skip

MAX_NOTEBOOK_BYTES = 50 * 2**20
STATUSES = ("ok", "timeout", "memory", "crashed", "invalid")
# What a worker may never read, besides the class's submissions and the results.
HIDDEN_IN_REPO = ("solutions", "tests", "graders/exercises", ".git", "data/demo_class", "results")


@dataclass
class Task:
    student: str
    path: Path
    assignment: str = ""

    @property
    def label(self) -> str:
        return f"{self.student}/{self.path.stem}"


def discover(root: Path) -> list[Task]:
    """Every submission under ``root`` (see the module docstring for the layouts)."""
    if (root / "submitted").is_dir():
        root = root / "submitted"
    tasks = []
    for path in sorted(root.rglob("*.ipynb")):
        rel = path.relative_to(root)
        if any(p.startswith(".") for p in rel.parts):  # .ipynb_checkpoints and the like
            continue
        if len(rel.parts) == 1:
            tasks.append(Task(path.stem, path))
        elif len(rel.parts) in (2, 3):
            tasks.append(Task(rel.parts[0], path, rel.parts[1] if len(rel.parts) == 3 else ""))
    return tasks


# -- one submission ---------------------------------------------------------------------------------

def _identify(task: Task, nb: Any, cat: catalog_mod.Catalog) -> tuple[str, str]:
    """(exercise, track): from the released file name when it is one, else from the metadata."""
    for ex in cat.exercises.values():
        for track in ex.tracks:
            if task.path.stem == f"{ex.id}_{track}":
                return ex.id, track
    meta = nb.metadata.get("courseware", {}) if nb is not None else {}
    exercise, track = meta.get("exercise"), meta.get("track")
    if exercise in cat.exercises and track in cat.exercises[exercise].tracks:
        return exercise, track
    raise ValueError("cannot tell which exercise this is: the file name is not <exercise>_<track>.ipynb "
                     "and the notebook's metadata names no known exercise")


def read_notebook(path: Path) -> Any:
    """Parse a submitted notebook or raise ValueError with a reason a student can act on."""
    import nbformat

    size = path.stat().st_size
    if size > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"the notebook is {size / 2**20:.0f} MB, more than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        nb = nbformat.reads(path.read_text(encoding="utf-8", errors="replace"), as_version=4)
    except Exception as exc:  # noqa: BLE001 - nbformat raises many kinds for broken JSON
        raise ValueError(f"not a readable notebook ({type(exc).__name__}: {str(exc)[:200]})") from None
    language = (nb.metadata.get("kernelspec", {}).get("language")
                or nb.metadata.get("language_info", {}).get("name") or "python")
    if str(language).lower() != "python":
        raise ValueError(f"the notebook's kernel runs {language}, not Python")
    return nb


def _code_cells(nb: Any) -> list[CodeCell]:
    return [CodeCell(c.source if isinstance(c.source, str) else "".join(c.source),
                     tuple(t for t in c.metadata.get("tags", ()) if isinstance(t, str)))
            for c in nb.cells if c.get("cell_type") == "code"]


def _status(events: list[tuple[str, str]], load_errors: list[str]) -> tuple[str, str]:
    for kind in ("memory", "timeout", "crashed"):
        whats = [what for k, what in events if k == kind]
        if whats:
            return kind, "; ".join(dict.fromkeys(whats))
    if load_errors:
        return "ok", f"graded; {len(load_errors)} cell(s) raised an error when run"
    return "ok", "graded"


def _empty_result(task: Task) -> dict[str, Any]:
    """A submission's result before (or instead of) grading: no checks, no points."""
    return {"student": task.student, "notebook": task.path.stem, "assignment": task.assignment,
            "path": str(task.path), "exercise": None, "track": None, "score": 0.0, "max_score": 0.0,
            "checks": [], "load_errors": [], "output": ""}


def grade_submission(task: Task, pool: Any, cat: catalog_mod.Catalog, salt: str) -> dict:
    """Grade one submission in a confined worker; never raises for anything the student did."""
    start = time.monotonic()
    result = _empty_result(task)
    nb = None
    try:
        nb = read_notebook(task.path)
        exercise_id, track = _identify(task, nb, cat)
    except (OSError, ValueError) as exc:
        try:  # the exercise may still be known from the file name: show 0 out of its points
            exercise_id, track = _identify(task, None, cat)
            result["max_score"] = sum(c.points for c in load_exercise(exercise_id).checks)
            result.update(exercise=exercise_id, track=track)
        except ValueError:
            pass
        return result | {"status": "invalid", "reason": str(exc), "seconds": round(time.monotonic() - start, 3)}

    from .remote import RemoteSubmission

    exercise = load_exercise(exercise_id)
    slot = pool.acquire()
    sub = None
    try:
        sub = RemoteSubmission(pool, slot, track, _code_cells(nb), task.label.replace("/", "__"))
        report = exercise.grade(sub, include_hidden=True, salt=salt, load_errors=sub.load_errors)
    finally:
        if sub is not None:
            sub.close()
        pool.release(slot)
    status, reason = _status(sub.events, report.load_errors)
    data = report.to_dict()
    return result | {"exercise": exercise_id, "track": track, "status": status, "reason": reason,
                     "score": data["score"], "max_score": data["max_score"], "checks": data["checks"],
                     "load_errors": data["load_errors"], "output": sub.output(),
                     "seconds": round(time.monotonic() - start, 3)}


# -- outputs -----------------------------------------------------------------------------------------

def result_path(out: Path, student: str, notebook: str) -> Path:
    return out / student / f"{notebook}.json"


def load_results(out: Path) -> list[dict]:
    results = []
    for path in sorted(out.glob("*/*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and "student" in data and "status" in data:
            results.append(data)
    return results


def _by_student(results: list[dict]) -> tuple[list[str], dict[str, dict[str, dict]]]:
    """(every notebook name, sorted; {student: {notebook: result}})."""
    by_student: dict[str, dict[str, dict]] = {}
    for r in results:
        by_student.setdefault(r["student"], {})[r["notebook"]] = r
    return sorted({r["notebook"] for r in results}), by_student


def write_gradebook(out: Path, results: list[dict]) -> None:
    notebooks, by_student = _by_student(results)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *notebooks, "total", "max", "statuses"])
        for student in sorted(by_student):
            rs = by_student[student]
            total = round(sum(r["score"] for r in rs.values()), 6)
            maximum = round(sum(r["max_score"] for r in rs.values()), 6)
            statuses = ";".join(f"{nb}:{rs[nb]['status']}" for nb in notebooks if nb in rs and rs[nb]["status"] != "ok")
            writer.writerow([student, *[f"{rs[nb]['score']:g}" if nb in rs else "" for nb in notebooks],
                             f"{total:g}", f"{maximum:g}", statuses])
    with open(out / "checks.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "notebook", "exercise", "track", "status", "check", "title", "hidden",
                         "points", "max_points", "passed", "seconds", "message"])
        for r in sorted(results, key=lambda r: (r["student"], r["notebook"])):
            for c in r["checks"]:
                writer.writerow([r["student"], r["notebook"], r["exercise"], r["track"], r["status"], c["id"],
                                 c["title"], c["hidden"], f"{c['points']:g}", f"{c['max_points']:g}", c["passed"],
                                 c["seconds"], c["message"]])


class Progress:
    """One status line with a bar and an ETA (a line per submission when not on a terminal)."""

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.start = time.monotonic()
        self.tty = stream.isatty()
        self.lock = threading.Lock()

    def update(self, label: str, note: str) -> None:
        with self.lock:
            self.done += 1
            elapsed = time.monotonic() - self.start
            eta = elapsed / self.done * (self.total - self.done)
            width = 24
            bar = "#" * round(width * self.done / self.total) + "." * (width - round(width * self.done / self.total))
            line = (f"[{bar}] {self.done}/{self.total}  {_clock(elapsed)} elapsed, ETA {_clock(eta)}  "
                    f"{label}: {note}")
            if self.tty:
                self.stream.write("\r\033[K" + line[:150])
                if self.done == self.total:
                    self.stream.write("\n")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m}:{s:02d}"


def summary_table(results: list[dict]) -> str:
    notebooks, by_student = _by_student(results)
    width = max([len(n) for n in notebooks] + [9])
    swidth = max([len(s) for s in by_student] + [7])
    lines = [f"{'student':<{swidth}} " + " ".join(f"{n:>{width}}" for n in notebooks) + f" {'total':>11}"]
    for student in sorted(by_student):
        rs = by_student[student]
        cells = []
        for nb in notebooks:
            r = rs.get(nb)
            text = "-" if r is None else f"{r['score']:g}/{r['max_score']:g}" + ("" if r["status"] == "ok" else f" {r['status']}")
            cells.append(f"{text:>{width}}")
        total = sum(r["score"] for r in rs.values())
        maximum = sum(r["max_score"] for r in rs.values())
        lines.append(f"{student:<{swidth}} " + " ".join(cells) + f" {f'{total:g}/{maximum:g}':>11}")
    counts = {s: sum(r["status"] == s for r in results) for s in STATUSES}
    lines.append("statuses: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    return "\n".join(lines)


# -- the command ------------------------------------------------------------------------------------

def grade_class(root: Path, out: Path, jobs: int | None = None, limits: sandbox.Limits | None = None,
                students: list[str] | None = None, html: bool = True, quiet: bool = False,
                salt: str | None = None) -> list[dict]:
    """Grade every submission under ``root`` into ``out``; return all results now in ``out``."""
    from .remote import WorkerPool

    root, out = Path(root).resolve(), Path(out).resolve()
    tasks = [t for t in discover(root) if not students or t.student in students]
    if not tasks:
        raise FileNotFoundError(f"no notebooks under {root}" + (f" for {', '.join(students)}" if students else ""))
    cat = catalog_mod.load()
    salt = default_salt() if salt is None else salt
    limits = limits or sandbox.Limits()
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(tasks)))
    out.mkdir(parents=True, exist_ok=True)
    for student in {t.student for t in tasks}:  # a regrade replaces the student's old results
        shutil.rmtree(out / student, ignore_errors=True)
    frameworks = set()
    for t in tasks:  # warm only the frameworks the class needs; a notebook that names no track, both
        track = t.path.stem.rsplit("_", 1)[-1]
        frameworks |= {track} if track in ("numpy", "torch", "tf") else {"torch", "tf"}
    hidden = [catalog_mod.ROOT / p for p in HIDDEN_IN_REPO] + [root, out]
    scratch = out / ".work"
    progress = Progress(len(tasks), open(os.devnull, "w") if quiet else sys.stderr)
    started = time.monotonic()
    pool = WorkerPool(frameworks, jobs, limits, [str(p) for p in hidden], scratch)
    warm = time.monotonic() - started

    def run(task: Task) -> dict:
        try:
            result = grade_submission(task, pool, cat, salt)
        except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the other submissions
            result = _empty_result(task) | {"status": "crashed", "seconds": 0.0,
                                            "reason": f"grader error: {type(exc).__name__}: {exc}"}
        target = result_path(out, task.student, task.path.stem)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        progress.update(task.label, f"{result['score']:g}/{result['max_score']:g} {result['status']}")
        return result

    try:
        with ThreadPoolExecutor(max_workers=jobs) as executor:
            list(executor.map(run, tasks))
    finally:
        pool.close()
        shutil.rmtree(scratch, ignore_errors=True)
    results = load_results(out)
    write_gradebook(out, results)
    if html:
        from .feedback import write_feedback

        for student in sorted({t.student for t in tasks}):
            write_feedback(out / student / "feedback.html", [r for r in results if r["student"] == student])
    run_info = {"root": str(root), "submissions": len(tasks), "jobs": jobs, "limits": asdict(limits),
                "isolation": pool.mechanisms.to_dict(), "salt_is_default": salt == "public",
                "seconds": round(time.monotonic() - started, 2), "warm_start_seconds": round(warm, 2)}
    (out / "run.json").write_text(json.dumps(run_info, indent=2) + "\n", encoding="utf-8")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade-class", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", help="nbgrader course dir, its submitted/ folder, or a folder of notebooks")
    parser.add_argument("--out", default="results/class", help="results folder (default: %(default)s)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--jobs", type=int, help="parallel workers (default: one per core)")
    defaults = sandbox.Limits()
    parser.add_argument("--wall", type=float, default=defaults.wall_s, help="seconds per submission (default: %(default)g)")
    parser.add_argument("--check-timeout", type=float, default=defaults.check_s, help="seconds per check (default: %(default)g)")
    parser.add_argument("--memory-mb", type=int, default=defaults.memory_mb, help="memory per worker (default: %(default)d)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML feedback reports")
    parser.add_argument("--nbgrader-db", metavar="URL",
                        help="also write the scores into this nbgrader gradebook (e.g. sqlite:///gradebook.db)")
    args = parser.parse_args(argv)
    limits = sandbox.Limits(wall_s=args.wall, check_s=args.check_timeout, memory_mb=args.memory_mb,
                            load_s=min(defaults.load_s, args.wall))
    if default_salt() == "public":
        print("note: COURSE_GRADING_SALT is not set, so hidden checks use the inputs students can predict",
              file=sys.stderr)
    try:
        results = grade_class(Path(args.submissions), Path(args.out), args.jobs, limits, args.student,
                              html=not args.no_html)
    except FileNotFoundError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    out = Path(args.out)
    print(summary_table(results))
    run_info = json.loads((out / "run.json").read_text())
    print(f"\ngraded {run_info['submissions']} submissions in {run_info['seconds']:.1f} s with {run_info['jobs']} "
          f"workers; results in {out}/ (gradebook.csv, checks.csv, <student>/feedback.html)")
    iso = run_info["isolation"]
    print(f"isolation: memory: {iso['memory']}; processes: {iso['processes']}; network: {iso['network']}; "
          f"files: {iso['filesystem']}; privileges: {iso['privileges']}")
    for note in iso["notes"]:
        print(f"  note: {note}")
    if args.nbgrader_db:
        from .nbgrader_sync import push

        graded = [r for r in results if not args.student or r["student"] in args.student]
        problems = push(args.nbgrader_db, graded)
        print(f"nbgrader gradebook: pushed {len(graded) - len(problems)} of {len(graded)} submissions")
        for line in problems:
            print(f"  not pushed: {line}", file=sys.stderr)
        return 1 if problems else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
