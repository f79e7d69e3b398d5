"""Grade a whole class: ``python -m graders.classroom SUBMITTED --out RESULTS`` (also ``grade-class``).

Layouts (decided by the class folder, never by what a student hands in):

* nbgrader: a course directory with ``submitted/``, or that ``submitted/`` folder itself:
  ``submitted/<student>/<assignment>/<notebook>.ipynb``. An assignment releases the notebooks in the
  course directory's ``source/<assignment>/`` and ``release/<assignment>/`` when either exists;
  otherwise the catalog decides: an assignment named after a module releases that module's ready
  notebooks ``<exercise>_<track>.ipynb``, one named after an exercise releases its tracks (a
  notebook handed in under both names counts once: the lower-scoring copy).
* ``<student>/<notebook>.ipynb`` (the class folder holds sub-folders): every catalog notebook name
  ``<exercise>_<track>.ipynb`` counts as released.
* flat: ``<student>.ipynb``, one submission per student, identified by its metadata.

A student's submission is the released notebooks of each assignment. Any other notebook (another
name, another assignment, a sub-folder, whatever its metadata says) is reported with status
``unexpected``, never run, and never adds to a total or a maximum. Results are keyed by (student,
assignment, notebook). Symbolic links and special files (fifos, devices, sockets) anywhere in the
class folder are refused: never opened (``O_NOFOLLOW``), never descended into; a notebook among them
is ``invalid``, anything else is listed in ``run.json`` (so are folders nested more than ``MAX_DEPTH``
deep: not searched). A notebook named as released
(``<exercise>_<track>.ipynb``) is graded as that exercise whatever its metadata claims; otherwise its
metadata decides. One student's notebooks run one after the other; once the student has used
``--student-wall`` seconds (default 4 x ``--wall``) the rest get status ``timeout`` without running,
so a student costs the class at most that cap plus one ``--wall``.

Every submission runs in its own confined worker (:mod:`graders.remote`, :mod:`graders.sandbox`)
while the checks run here. Names are data: in file names they are escaped (:func:`safe_name`: only
``A-Z a-z 0-9 _ -`` kept, so never ``.`` and never an output's name), in CSV cells neutralised against
formulas, in terminal output and reports stripped of control characters. Output, all rebuilt from the
per-submission JSON files, so re-running or regrading one student (``--student``) is idempotent:

* ``<out>/<student>/[<assignment>/]<notebook>.json``: per check points, max points, passed, message,
  seconds; per submission a status (ok, timeout, memory, crashed, invalid, unexpected) and its reason;
* ``<out>/<student>/feedback.html``: verdicts, messages, the student's own plots, the score;
* ``<out>/gradebook.csv`` (a row per student, a column per released ``<assignment>/<notebook>``,
  total, max) and ``<out>/checks.csv`` (a row per check); ``<out>/run.json``: limits, the isolation
  that was in force, refused paths;
* with ``--nbgrader-db``, the scores in nbgrader's gradebook (:mod:`graders.nbgrader_sync`).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import os
import shutil
import stat
import sys
import threading
import time
import unicodedata
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from . import catalog as catalog_mod
from . import sandbox
from .core import default_salt, load_exercise
from .submission import SKIPPED_TAGS, CodeCell  # noqa: F401 - SKIPPED_TAGS documents what workers skip

MAX_NOTEBOOK_BYTES = 50 * 2**20
STATUSES = ("ok", "timeout", "memory", "crashed", "invalid", "unexpected")
STUDENT_WALL_FACTOR = 4  # default per-student cap, in per-submission walls
SUFFIX = ".ipynb"
MAX_DEPTH = 8  # folders below the class folder that are searched: a student's nesting cannot recurse without end


# -- names are data ------------------------------------------------------------------------------------

_SAFE_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def safe_name(name: str) -> str:
    """``name`` as one path component, injectively: bytes outside ``A-Z a-z 0-9 _ -`` become ``%XX``.

    The result never contains ``.``, so it is never ``.``/``..``, never hidden and never equal to an
    output (``gradebook.csv``, ``feedback.html``, ``<notebook>.json``); a long one is shortened with
    ``~`` and a hash (``~`` is always escaped otherwise, so the short forms cannot collide).
    """
    raw = name.encode("utf-8", "surrogatepass")  # surrogates: from file names that are not UTF-8
    text = "".join(chr(b) if b in _SAFE_BYTES else f"%{b:02X}" for b in raw)
    return text if len(text) <= 120 else text[:80] + "~" + hashlib.sha256(raw).hexdigest()[:32]


def clean(text: Any, newlines: bool = False) -> str:
    """``text`` without control characters (ESC, CR, bidi overrides, ...): fit for a terminal or a report."""
    text = str(text)
    if text.isprintable():
        return text
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category == "Cs":  # a byte of a file name that is not UTF-8
            kept.append("\ufffd")
        elif category not in ("Cc", "Cf") or (newlines and ch in "\n\t"):
            kept.append(ch)
    return "".join(kept)


def csv_cell(value: Any) -> str:
    """A CSV cell a spreadsheet shows as text: formula triggers get a leading ``'`` (OWASP CSV injection)."""
    text = clean(value, newlines=True)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _write_json(path: Path, data: dict) -> None:
    text = json.dumps(data, indent=2, ensure_ascii=False)
    try:
        encoded = text.encode("utf-8")
    except UnicodeEncodeError:  # a name that is not UTF-8: keep it exact, as \\udcxx escapes
        encoded = json.dumps(data, indent=2).encode("utf-8")
    path.write_bytes(encoded + b"\n")


# -- what the class handed in ----------------------------------------------------------------------------

@dataclass
class Task:
    student: str
    path: Path
    assignment: str = ""
    notebook: str = ""     # the file name without .ipynb ('/'-joined when deeper than the layout)
    unexpected: str = ""   # why this is not a released notebook ("" when it is one)
    refused: str = ""      # why the file is never opened ("" for a regular file)
    by_catalog: bool = False  # released by the catalog's names (module or exercise), not by source/release

    def __post_init__(self) -> None:
        self.notebook = self.notebook or self.path.name.removesuffix(SUFFIX)

    @property
    def label(self) -> str:
        return clean("/".join(p for p in (self.student, self.assignment, self.notebook) if p))

    @property
    def runnable(self) -> bool:
        return not self.unexpected and not self.refused


@dataclass
class Survey:
    layout: str                          # nbgrader | student | flat
    tasks: list[Task]
    refused: list[tuple[str, str]]       # (path relative to the class folder, why): not a student's notebook


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISFIFO(mode):
        return "a fifo"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _walk(folder: Path, rel: tuple[str, ...], notebooks: list, refused: list) -> None:
    """Every notebook below ``folder`` as (relative parts, refusal or ""), without following anything."""
    if len(rel) >= MAX_DEPTH:
        refused.append(("/".join(rel), f"more than {MAX_DEPTH} folders deep: not searched"))
        return
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:
        refused.append(("/".join(rel) or ".", f"cannot be listed: {exc.strerror}"))
        return
    for entry in entries:
        if entry.name.startswith("."):  # .ipynb_checkpoints and the like
            continue
        parts = rel + (entry.name,)
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as exc:
            refused.append(("/".join(parts), f"cannot be read: {exc.strerror}"))
            continue
        if stat.S_ISDIR(mode):
            _walk(Path(entry.path), parts, notebooks, refused)
        elif stat.S_ISREG(mode):
            if entry.name.endswith(SUFFIX):
                notebooks.append((parts, ""))
        elif entry.name.endswith(SUFFIX):
            notebooks.append((parts, f"refused: {_kind(mode)}, never opened"))
        else:
            refused.append(("/".join(parts), f"{_kind(mode)}: refused, never followed"))


def _released(course: Path, assignment: str, cat: catalog_mod.Catalog) -> tuple[set[str], str]:
    """(notebook names an nbgrader assignment releases, where that comes from)."""
    names, folders = set(), []
    for kind in ("source", "release"):
        folder = course / kind / assignment
        if folder.is_dir():
            folders.append(f"{kind}/{assignment}")
            names |= {p.name.removesuffix(SUFFIX) for p in folder.iterdir()
                      if p.name.endswith(SUFFIX) and not p.name.startswith(".")}
    if folders:
        return names, " and ".join(folders)
    ready = cat.ready()
    names = {f"{ex.id}_{t}" for ex in ready if assignment in (ex.module, ex.id) for t in ex.tracks}
    return names, "the catalog"


def _catalog_names(cat: catalog_mod.Catalog) -> set[str]:
    return {f"{ex.id}_{t}" for ex in cat.ready() for t in ex.tracks}


def scan(root: Path, cat: catalog_mod.Catalog | None = None) -> Survey:
    """Every submission under ``root``, each marked released or unexpected (see the module docstring)."""
    cat = cat or catalog_mod.load()
    root = Path(root)
    course = root.parent if root.name == "submitted" else root if (root / "submitted").is_dir() else None
    if course is not None:
        root, layout = course / "submitted", "nbgrader"
    else:
        with os.scandir(root) as listing:
            layout = "student" if any(e.is_dir(follow_symlinks=False) and not e.name.startswith(".")
                                      for e in listing) else "flat"
    notebooks: list[tuple[tuple[str, ...], str]] = []
    refused: list[tuple[str, str]] = []
    _walk(root, (), notebooks, refused)
    released_in: dict[str, tuple[set[str], str]] = {}
    catalog_names = _catalog_names(cat)
    tasks = []
    for parts, refusal in notebooks:
        path, name = root.joinpath(*parts), parts[-1].removesuffix(SUFFIX)
        if layout == "flat":
            tasks.append(Task(name, path, "", name, "", refusal))
            continue
        if len(parts) == 1:
            refused.append((parts[0], "a notebook outside every student's folder: not graded"))
            continue
        student, unexpected, by_catalog = parts[0], "", False
        if layout == "student":
            assignment, notebook = "", "/".join(parts[1:]).removesuffix(SUFFIX)
            if len(parts) > 2:
                unexpected = "not released: the layout is <student>/<notebook>.ipynb, this is in a sub-folder"
            elif notebook not in catalog_names:
                unexpected = "not released: no exercise of the course has a notebook of that name"
        elif len(parts) == 2:
            assignment, notebook = "", name
            unexpected = "not released: it is not inside an assignment folder (submitted/<student>/<assignment>/)"
        else:
            assignment, notebook = parts[1], "/".join(parts[2:]).removesuffix(SUFFIX)
            if assignment not in released_in:
                released_in[assignment] = _released(course, assignment, cat)
            names, source = released_in[assignment]
            if len(parts) > 3:
                unexpected = f"not released: it is in a sub-folder of assignment {assignment!r}"
            elif not names:
                unexpected = (f"not released: assignment {assignment!r} has no source/ or release/ folder in the "
                              "course directory and is named after no module or exercise of the course")
            elif notebook not in names:
                shown = ", ".join(sorted(names)[:6]) + (", ..." if len(names) > 6 else "")
                unexpected = f"not released in assignment {assignment!r} (by {source}: {shown})"
            by_catalog = source == "the catalog"
        tasks.append(Task(student, path, assignment, notebook, unexpected, refusal,
                          layout == "nbgrader" and not unexpected and by_catalog))
    return Survey(layout, tasks, refused)


def discover(root: Path) -> list[Task]:
    """Every submission under ``root`` (see the module docstring for the layouts)."""
    return scan(root).tasks


# -- one submission ---------------------------------------------------------------------------------

def _identify(task: Task, nb: Any, cat: catalog_mod.Catalog) -> tuple[str, str]:
    """(exercise, track): from the released file name when it is one, else from the metadata."""
    for ex in cat.exercises.values():
        for track in ex.tracks:
            if task.notebook == f"{ex.id}_{track}":
                return ex.id, track
    meta = nb.metadata.get("courseware", {}) if nb is not None else {}
    exercise, track = meta.get("exercise"), meta.get("track")
    if exercise in cat.exercises and track in cat.exercises[exercise].tracks:
        return exercise, track
    raise ValueError("cannot tell which exercise this is: the file name is not <exercise>_<track>.ipynb "
                     "and the notebook's metadata names no known exercise")


def read_bytes(path: Path, limit: int | None = None) -> bytes:
    """A regular file's bytes, at most ``limit`` (MAX_NOTEBOOK_BYTES); never follows a symlink, never
    blocks on a fifo."""
    limit = MAX_NOTEBOOK_BYTES if limit is None else limit
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise ValueError("refused: a symbolic link, never followed") from None
        raise ValueError(f"cannot be opened ({exc.strerror})") from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise ValueError(f"refused: {_kind(st.st_mode)}, never read")
        if st.st_size > limit:
            raise ValueError(f"the notebook is {st.st_size / 2**20:.1f} MB, more than {limit / 2**20:g} MB")
        with os.fdopen(os.dup(fd), "rb") as f:
            data = f.read(limit + 1)
        if len(data) > limit:
            raise ValueError(f"the notebook is more than {limit / 2**20:g} MB")
        return data
    finally:
        os.close(fd)


def read_notebook(path: Path) -> Any:
    """Parse a submitted notebook or raise ValueError with a reason a student can act on."""
    import nbformat

    data = read_bytes(path)
    try:
        nb = nbformat.reads(data.decode("utf-8", errors="replace"), as_version=4)
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
    return {"student": task.student, "assignment": task.assignment, "notebook": task.notebook,
            "path": str(task.path), "exercise": None, "track": None, "score": 0.0, "max_score": 0.0,
            "checks": [], "load_errors": [], "output": "", "readable": False}


def keep_one_copy(graded: list[tuple[Task, dict]]) -> None:
    """A notebook the catalog's names release twice (a module-named and an exercise-named assignment
    folder of one student) counts once: the lower-scoring copy, so a second copy never raises a total."""
    copies: dict[str, list[tuple[Task, dict]]] = {}
    for task, result in graded:
        if task.by_catalog and counted(result):
            copies.setdefault(task.notebook, []).append((task, result))
    for name, same in copies.items():
        keep = min(same, key=lambda tr: (tr[1]["score"], tr[0].assignment))
        where = " and ".join(repr(t.assignment) for t, _ in same)
        for task, result in same:
            if task is not keep[0]:
                result.update(status="unexpected", reason=(
                    f"a second copy of {name}{SUFFIX}: assignments {where} both release it by the catalog's "
                    f"names; only the lower-scoring copy (in {keep[0].assignment!r}) counts"))


def not_graded(task: Task, status: str, reason: str, cat: catalog_mod.Catalog) -> dict[str, Any]:
    """A result without running anything: 0 out of the exercise's points when its name tells the
    exercise (a released notebook that was refused or not run), 0 out of 0 for an unexpected one."""
    result = _empty_result(task) | {"status": status, "reason": reason, "seconds": 0.0}
    if status != "unexpected":
        try:
            exercise_id, track = _identify(task, None, cat)
        except ValueError:
            return result
        result.update(exercise=exercise_id, track=track,
                      max_score=sum(c.points for c in load_exercise(exercise_id).checks))
    return result


def grade_submission(task: Task, pool: Any, cat: catalog_mod.Catalog, salt: str, label: str = "",
                     wall_s: float | None = None) -> dict:
    """Grade one submission in a confined worker; never raises for anything the student did."""
    start = time.monotonic()
    try:
        nb = read_notebook(task.path)
        exercise_id, track = _identify(task, nb, cat)
    except (OSError, ValueError) as exc:
        return not_graded(task, "invalid", str(exc), cat) | {"seconds": round(time.monotonic() - start, 3)}

    from .remote import RemoteSubmission

    exercise = load_exercise(exercise_id)
    slot = pool.acquire()
    sub = None
    try:
        sub = RemoteSubmission(pool, slot, track, _code_cells(nb), label or safe_name(task.student), wall_s)
        report = exercise.grade(sub, include_hidden=True, salt=salt, load_errors=sub.load_errors)
    finally:
        if sub is not None:
            sub.close()
        pool.release(slot)
    status, reason = _status(sub.events, report.load_errors)
    data = report.to_dict()
    return _empty_result(task) | {
        "exercise": exercise_id, "track": track, "status": status, "reason": reason, "score": data["score"],
        "max_score": data["max_score"], "checks": data["checks"], "load_errors": data["load_errors"],
        "output": sub.output(), "readable": True, "seconds": round(time.monotonic() - start, 3)}


# -- outputs -----------------------------------------------------------------------------------------

def result_path(out: Path, student: str, assignment: str, notebook: str) -> Path:
    folder = Path(out) / safe_name(student)
    return (folder / safe_name(assignment) if assignment else folder) / f"{safe_name(notebook)}.json"


def load_results(out: Path) -> list[dict]:
    results = []
    for path in sorted([*out.glob("*/*.json"), *out.glob("*/*/*.json")]):
        if any(p.startswith(".") for p in path.relative_to(out).parts):
            continue
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and {"student", "notebook", "status"} <= set(data):
            data.setdefault("assignment", "")
            results.append(data)
    return results


def counted(result: dict) -> bool:
    """Whether a result adds to its student's total and maximum."""
    return result["status"] != "unexpected"


def _column(result: dict) -> tuple[str, str]:
    return result.get("assignment") or "", result["notebook"]


def _label(column: tuple[str, str]) -> str:
    return clean("/".join(p for p in column if p))


def _by_student(results: list[dict]) -> tuple[list[tuple[str, str]], dict[str, dict[tuple[str, str], dict]]]:
    """(every released (assignment, notebook), sorted; {student: {(assignment, notebook): result}})."""
    by_student: dict[str, dict[tuple[str, str], dict]] = {}
    for r in results:
        by_student.setdefault(r["student"], {})[_column(r)] = r
    return sorted({_column(r) for r in results if counted(r)}), by_student


def _totals(rs: dict) -> tuple[float, float]:
    mine = [r for r in rs.values() if counted(r)]
    return round(sum(r["score"] for r in mine), 6), round(sum(r["max_score"] for r in mine), 6)


def write_gradebook(out: Path, results: list[dict]) -> None:
    columns, by_student = _by_student(results)
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow([csv_cell(c) for c in ["student", *map(_label, columns), "total", "max", "statuses"]])
        for student in sorted(by_student):
            rs = by_student[student]
            total, maximum = _totals(rs)
            statuses = ";".join(f"{_label(c)}:{rs[c]['status']}" for c in sorted(rs) if rs[c]["status"] != "ok")
            writer.writerow([csv_cell(c) for c in [
                student, *[f"{rs[c]['score']:g}" if c in rs else "" for c in columns],
                f"{total:g}", f"{maximum:g}", statuses]])
    with open(out / "checks.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", "assignment", "notebook", "exercise", "track", "status", "check", "title",
                         "hidden", "points", "max_points", "passed", "seconds", "message"])
        for r in sorted(results, key=lambda r: (r["student"], *_column(r))):
            for c in r["checks"]:
                writer.writerow([csv_cell(v) for v in [
                    r["student"], r.get("assignment") or "", r["notebook"], r["exercise"], r["track"], r["status"],
                    c["id"], c["title"], c["hidden"], f"{c['points']:g}", f"{c['max_points']:g}", c["passed"],
                    c["seconds"], c["message"]]])


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
                    f"{clean(label)}: {clean(note)}")
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


def summary_table(results: list[dict], most_listed: int = 10) -> str:
    columns, by_student = _by_student(results)
    labels = [_label(c) for c in columns]
    width = max([len(n) for n in labels] + [9])
    swidth = max([len(clean(s)) for s in by_student] + [7])
    lines = [f"{'student':<{swidth}} " + " ".join(f"{n:>{width}}" for n in labels) + f" {'total':>11}"]
    for student in sorted(by_student):
        rs = by_student[student]
        cells = []
        for column in columns:
            r = rs.get(column)
            text = "-" if r is None else f"{r['score']:g}/{r['max_score']:g}" + ("" if r["status"] == "ok" else f" {r['status']}")
            cells.append(f"{text:>{width}}")
        total, maximum = _totals(rs)
        lines.append(f"{clean(student):<{swidth}} " + " ".join(cells) + f" {f'{total:g}/{maximum:g}':>11}")
    counts = {s: sum(r["status"] == s for r in results) for s in STATUSES}
    lines.append("statuses: " + ", ".join(f"{n} {s}" for s, n in counts.items() if n))
    extra = sorted((r["student"], *_column(r)) for r in results if not counted(r))
    if extra:
        shown = [clean("/".join(p for p in key if p)) + SUFFIX for key in extra[:most_listed]]
        lines.append("unexpected (not graded, not counted): " + ", ".join(shown)
                     + (f" and {len(extra) - most_listed} more" if len(extra) > most_listed else ""))
    return "\n".join(lines)


# -- the command ------------------------------------------------------------------------------------

_worker_labels = itertools.count()


def grade_class(root: Path, out: Path, jobs: int | None = None, limits: sandbox.Limits | None = None,
                students: list[str] | None = None, html: bool = True, quiet: bool = False,
                salt: str | None = None, student_wall_s: float | None = None,
                shard: tuple[int, int] | None = None) -> list[dict]:
    """Grade every submission under ``root`` into ``out``; return all results now in ``out``.

    With ``shard=(i, n)`` only the students of share ``i`` of ``n`` (:func:`shard_of`) are graded,
    and no gradebook is written: :func:`merge` builds it once every share is done.
    """
    from .remote import WorkerPool

    root, out = Path(root).resolve(), Path(out).resolve()
    if not root.is_dir():
        raise FileNotFoundError(f"no folder {root}")
    cat = catalog_mod.load()
    survey = scan(root, cat)
    tasks = [t for t in survey.tasks if (not students or t.student in students)
             and (shard is None or shard_of(t.student, shard[1]) == shard[0])]
    if not tasks and shard is None:
        raise FileNotFoundError(f"no notebooks under {root}" + (f" for {', '.join(students)}" if students else ""))
    salt = default_salt() if salt is None else salt
    limits = limits or sandbox.Limits()
    cap = STUDENT_WALL_FACTOR * limits.wall_s if student_wall_s is None else student_wall_s
    by_student: dict[str, list[Task]] = {}
    for t in tasks:
        by_student.setdefault(t.student, []).append(t)
    runnable = [t for t in tasks if t.runnable]
    # One thread per student at a time: a student's notebooks run in turn, so the cap is exact and
    # the order, hence the outcome, is the same in every run.
    jobs = max(1, min(jobs or os.cpu_count() or 1, len({t.student for t in runnable}) or 1))
    out.mkdir(parents=True, exist_ok=True)
    for student in by_student:  # a regrade replaces the student's old results
        shutil.rmtree(out / safe_name(student), ignore_errors=True)
    frameworks = set()
    for t in runnable:  # warm only the frameworks the class needs; a notebook that names no track, both
        track = t.notebook.rsplit("_", 1)[-1]
        frameworks |= {track} if track in ("numpy", "torch", "tf") else {"torch", "tf"}
    scratch = out / (".work" if shard is None else f".work-{shard[0]}")  # shares may write to one folder
    progress = Progress(len(tasks), open(os.devnull, "w") if quiet else sys.stderr)
    started = time.monotonic()
    pool = WorkerPool(frameworks, jobs, limits, scratch) if runnable else None
    warm = time.monotonic() - started

    def grade(task: Task, spent: float) -> dict:
        if task.unexpected:
            return not_graded(task, "unexpected", task.unexpected, cat)
        if task.refused:
            return not_graded(task, "invalid", task.refused, cat)
        if spent >= cap:
            return not_graded(task, "timeout", f"not run: this student's notebooks used up the per-student time "
                                               f"cap of {cap:g} s (--student-wall)", cat)
        try:
            return grade_submission(task, pool, cat, salt, f"{next(_worker_labels):06d}", cap - spent)
        except Exception as exc:  # noqa: BLE001 - a grader bug must not lose the other submissions
            return _empty_result(task) | {"status": "crashed", "seconds": 0.0,
                                          "reason": f"grader error: {type(exc).__name__}: {exc}"}

    def run_student(student_tasks: list[Task]) -> None:
        spent, graded = 0.0, []
        for task in sorted(student_tasks, key=lambda t: (t.assignment, t.notebook)):
            result = grade(task, spent)
            spent += result["seconds"]
            graded.append((task, result))
            progress.update(task.label, f"{result['score']:g}/{result['max_score']:g} {result['status']}")
        keep_one_copy(graded)
        for task, result in graded:
            target = result_path(out, task.student, task.assignment, task.notebook)
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_json(target, result)

    try:
        with ThreadPoolExecutor(max_workers=jobs) as executor:
            list(executor.map(run_student, [by_student[s] for s in sorted(by_student)]))
    finally:
        if pool is not None:
            pool.close()
        shutil.rmtree(scratch, ignore_errors=True)
    results = load_results(out)
    if shard is None:
        write_gradebook(out, results)
    if html:
        from .feedback import write_feedback

        for student in sorted(by_student):
            write_feedback(out / safe_name(student) / "feedback.html", [r for r in results if r["student"] == student])
    mechanisms = pool.mechanisms if pool is not None else sandbox.probe()
    run_info = {"root": str(root), "layout": survey.layout, "submissions": len(tasks), "jobs": jobs,
                "limits": asdict(limits), "student_wall_s": cap, "isolation": mechanisms.to_dict(),
                "salt_is_default": salt == "public", "seconds": round(time.monotonic() - started, 2),
                "warm_start_seconds": round(warm, 2),
                "refused": [{"path": clean(path), "reason": clean(why)} for path, why in survey.refused]}
    if shard is not None:
        run_info["shard"] = list(shard)
    _write_json(out / ("run.json" if shard is None else f"run-shard-{shard[0]}-of-{shard[1]}.json"), run_info)
    return results


# -- grading beyond one machine ------------------------------------------------------------------------

def shard_of(student: str, shards: int) -> int:
    """The share a student belongs to: a stable hash of the name, the same on every machine, so each
    student's notebooks (and the per-student time cap) stay in one share."""
    return int.from_bytes(hashlib.sha256(student.encode("utf-8", "surrogateescape")).digest()[:8], "big") % shards


def parse_shard(text: str) -> tuple[int, int]:
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--shard takes i/n, e.g. 0/4; got {text!r}") from None
    if not 0 <= index < count:
        raise argparse.ArgumentTypeError(f"--shard {text}: i must be in 0..n-1")
    return index, count


def merge(out: Path, shard_outs: list[Path] = ()) -> list[dict]:
    """One gradebook from the shares' results: each share's folder (or the one folder they all wrote
    to) holds per-student JSON files; they are copied into ``out`` and every summary is rebuilt."""
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    runs = []
    for folder in [Path(p).resolve() for p in shard_outs] or [out]:
        if folder != out:
            for entry in folder.iterdir():
                if entry.is_dir() and not entry.is_symlink() and not entry.name.startswith("."):
                    shutil.copytree(entry, out / entry.name, dirs_exist_ok=True, symlinks=True)
        runs += [json.loads(p.read_text(encoding="utf-8")) for p in sorted(folder.glob("run-shard-*.json"))]
    counts = {run["shard"][1] for run in runs}
    if len(counts) > 1:
        raise ValueError(f"the shares come from different splits: {sorted(counts)}")
    if counts:
        done = {run["shard"][0] for run in runs}
        missing = sorted(set(range(counts.pop())) - done)
        if missing:
            raise ValueError(f"shares {missing} have not been graded (no run-shard-*.json for them)")
    results = load_results(out)
    write_gradebook(out, results)
    merged = {"merged_shards": len(runs), "submissions": sum(r["submissions"] for r in runs),
              "seconds": round(max((r["seconds"] for r in runs), default=0.0), 2),
              "refused": [x for r in runs for x in r.get("refused", [])]}
    if runs:
        merged |= {k: runs[0][k] for k in ("root", "layout", "limits", "student_wall_s", "isolation", "salt_is_default")
                   if k in runs[0]}
    _write_json(out / "run.json", merged)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade-class", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("submissions", nargs="?",
                        help="nbgrader course dir, its submitted/ folder, or a folder of notebooks")
    parser.add_argument("--out", default="results/class", help="results folder (default: %(default)s)")
    parser.add_argument("--student", action="append", help="grade only this student (repeatable)")
    parser.add_argument("--jobs", type=int, help="parallel workers (default: one per core)")
    defaults = sandbox.Limits()
    parser.add_argument("--wall", type=float, default=defaults.wall_s, help="seconds per submission (default: %(default)g)")
    parser.add_argument("--student-wall", type=float,
                        help=f"seconds for all of one student's notebooks (default: {STUDENT_WALL_FACTOR} x --wall)")
    parser.add_argument("--check-timeout", type=float, default=defaults.check_s, help="seconds per check (default: %(default)g)")
    parser.add_argument("--memory-mb", type=int, default=defaults.memory_mb, help="memory per worker (default: %(default)d)")
    parser.add_argument("--no-html", action="store_true", help="skip the HTML feedback reports")
    parser.add_argument("--shard", type=parse_shard, metavar="I/N",
                        help="grade only share I of N of the students (a Kubernetes Indexed Job's index); "
                             "then `grade-class --merge` builds the gradebook")
    parser.add_argument("--merge", nargs="*", metavar="SHARD_OUT",
                        help="build the gradebook in --out from the shares' results (their folders, or "
                             "--out itself when they all wrote there)")
    parser.add_argument("--nbgrader-db", metavar="URL",
                        help="also write the scores into this nbgrader gradebook (e.g. sqlite:///gradebook.db)")
    args = parser.parse_args(argv)
    if args.merge is not None:
        try:
            results = merge(Path(args.out), [Path(p) for p in args.merge])
        except (OSError, ValueError) as exc:
            print(f"error: {clean(exc)}", file=sys.stderr)
            return 2
        print(summary_table(results))
        print(f"\nmerged {len(results)} results into {args.out}/gradebook.csv")
        return push_to_nbgrader(args.nbgrader_db, results, args.student) if args.nbgrader_db else 0
    if args.submissions is None:
        parser.error("name the class folder to grade (or use --merge)")
    limits = sandbox.Limits(wall_s=args.wall, check_s=args.check_timeout, memory_mb=args.memory_mb,
                            load_s=min(defaults.load_s, args.wall))
    if default_salt() == "public":
        print("note: COURSE_GRADING_SALT is not set, so hidden checks use the inputs students can predict",
              file=sys.stderr)
    try:
        results = grade_class(Path(args.submissions), Path(args.out), args.jobs, limits, args.student,
                              html=not args.no_html, student_wall_s=args.student_wall, shard=args.shard)
    except FileNotFoundError as exc:
        print(f"error: {clean(exc)}", file=sys.stderr)
        return 2
    out = Path(args.out)
    print(summary_table(results))
    run_file = "run.json" if args.shard is None else f"run-shard-{args.shard[0]}-of-{args.shard[1]}.json"
    run_info = json.loads((out / run_file).read_text())
    print(f"\ngraded {run_info['submissions']} submissions in {run_info['seconds']:.1f} s with {run_info['jobs']} "
          f"workers; results in {out}/ (gradebook.csv, checks.csv, <student>/feedback.html)")
    for refused in run_info["refused"][:20]:
        print(f"  refused: {refused['path']}: {refused['reason']}")
    if len(run_info["refused"]) > 20:
        print(f"  ... and {len(run_info['refused']) - 20} more refused paths (run.json)")
    iso = run_info["isolation"]
    print(f"isolation: memory: {iso['memory']}; processes: {iso['processes']}; network: {iso['network']}; "
          f"files: {iso['filesystem']}; privileges: {iso['privileges']}")
    for note in iso["notes"]:
        print(f"  note: {note}")
    if args.nbgrader_db:
        return push_to_nbgrader(args.nbgrader_db, results, args.student)
    return 0


def push_to_nbgrader(db_url: str, results: list[dict], students: list[str] | None) -> int:
    from .nbgrader_sync import push

    # Unexpected notebooks are in no nbgrader assignment; the table above lists them.
    graded = [r for r in results if counted(r) and (not students or r["student"] in students)]
    problems = push(db_url, graded)
    print(f"nbgrader gradebook: pushed {len(graded) - len(problems)} of {len(graded)} submissions")
    for line in problems:
        print(f"  not pushed: {clean(line)}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
