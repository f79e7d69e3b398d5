"""Push class-grading results into nbgrader's gradebook, so formgrader and ``nbgrader export`` show them.

The generated notebooks give each ``check("<part>")`` cell the nbgrader grade id ``check_<part>``,
worth the part's points (public and hidden checks). For every graded submission this records what
``nbgrader autograde`` would have, so formgrader treats it as autograded:

* the part's score as that cell's **auto** score with ``needs_manual_grade`` off (an instructor's
  manual score in formgrader still takes precedence, and a regrade leaves it alone);
* the submission's timestamp from ``submitted/<student>/<assignment>/timestamp.txt`` (formgrader
  lists a submission as "needs autograding" unless the gradebook's timestamp equals that file's);
* ``autograded/<student>/<assignment>/<notebook>.ipynb`` and its ``timestamp.txt`` (formgrader shows
  and ``nbgrader generate_feedback`` renders only notebooks there): the submitted notebook with its
  locked cells restored by nbgrader's own ``OverwriteCells``, each check cell's output replaced by
  grade-class's verdicts for that part, with ``timestamp.txt`` and ``submission_secret.txt`` (which
  ``nbgrader release_feedback`` needs).

The student and the submission records are created when nbgrader has not seen them; the assignment
itself must be in the gradebook (``nbgrader generate_assignment`` puts it there).
"""
from __future__ import annotations

import os
import shutil
import stat
from collections import defaultdict
from pathlib import Path

TIMESTAMP_MAX_BYTES = 200


def part_scores(result: dict) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for check in result["checks"]:
        scores[check["part"]] += check["points"]
    return dict(scores)


def _regular_file(path: Path) -> bool:
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


def submitted_timestamp(submitted_dir: Path) -> str | None:
    """nbgrader collect's ``timestamp.txt`` of a submission, or None (absent, a link, unreadable)."""
    from nbgrader.utils import parse_utc

    path = submitted_dir / "timestamp.txt"
    if not _regular_file(path) or path.stat().st_size > TIMESTAMP_MAX_BYTES:
        return None
    text = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        parse_utc(text)
    except (ValueError, OverflowError):
        return None
    return text


def verdict_lines(result: dict, part: str) -> str:
    """grade-class's verdicts on one part, as its check cell's output."""
    from .classroom import clean

    lines = []
    if result.get("status", "ok") != "ok":
        lines.append(f"grading: {result['status']}" + (f": {clean(result.get('reason', ''))}" if result.get("reason") else ""))
    for c in result["checks"]:
        if c["part"] == part:
            mark = "✔" if c["passed"] else "✘"
            lines.append(f"{mark} {part}: {clean(c.get('title', c.get('id', '')))}  [{c['points']:g}/{c['max_points']:g}]"
                         + (f"  {clean(c['message'])}" if c.get("message") else ""))
    return "\n".join(lines or [f"{part}: not graded"]) + "\n"


def write_autograded(db_url: str, result: dict, submitted: Path, timestamp: str | None) -> Path:
    """The submitted notebook as formgrader and generate_feedback read it (see the module docstring)."""
    import nbformat
    from nbgrader.preprocessors import OverwriteCells

    from .classroom import clean

    try:
        with open(submitted, encoding="utf-8") as f:
            nb = nbformat.read(f, as_version=4)
        nb, _ = OverwriteCells().preprocess(nb, {"nbgrader": {"db_url": db_url, "assignment": result["assignment"],
                                                              "notebook": submitted.stem}})
    except Exception as exc:  # not a notebook nbgrader can read: say so, and still show the scores
        why = result.get("reason") or f"{type(exc).__name__}: {exc}"
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(
            f"grade-class could not read this notebook ({clean(result.get('status', 'invalid'))}): {clean(why)}")])
    for cell in nb.cells:
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell.cell_type == "code" and grade_id.startswith("check_"):
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout",
                                                   text=verdict_lines(result, grade_id[len("check_"):]))]
    course = submitted.parents[3]  # <course>/submitted/<student>/<assignment>/<notebook>.ipynb
    target = course / "autograded" / submitted.parent.parent.name / submitted.parent.name
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, target / submitted.name)
    if timestamp is not None:
        (target / "timestamp.txt").write_text(timestamp + "\n", encoding="utf-8")
    # nbgrader submit's key, which release_feedback needs to name the feedback the student may fetch
    secret = submitted.parent / "submission_secret.txt"
    if _regular_file(secret) and secret.stat().st_size <= TIMESTAMP_MAX_BYTES:
        shutil.copyfile(secret, target / secret.name)
    return target / submitted.name


def push(db_url: str, results: list[dict]) -> list[str]:
    """Write the scores; return one line per submission that could not be pushed, with the reason."""
    from nbgrader.api import Gradebook, MissingEntry

    problems = []
    with Gradebook(db_url) as gb:
        for r in results:
            if not r.get("assignment"):
                problems.append(f"{r['student']}/{r['notebook']}: not in nbgrader's submitted/<student>/<assignment>/ layout")
                continue
            try:
                gb.find_assignment(r["assignment"])
            except MissingEntry:
                problems.append(f"{r['student']}/{r['notebook']}: assignment {r['assignment']!r} is not in the gradebook "
                                "(run nbgrader generate_assignment first)")
                continue
            submitted = Path(r["path"])
            timestamp = submitted_timestamp(submitted.parent)
            # nbgrader's add_submission builds the records before adding them to the session; with
            # autoflush on, SQLAlchemy 2 warns (SAWarning) that it cannot cascade them. It adds them itself.
            with gb.db.no_autoflush:
                gb.update_or_create_student(r["student"])
                gb.update_or_create_submission(r["assignment"], r["student"],
                                               **({"timestamp": timestamp} if timestamp else {}))
            try:
                notebook = gb.find_submission_notebook(r["notebook"], r["assignment"], r["student"])
            except MissingEntry:
                problems.append(f"{r['student']}/{r['notebook']}: no such notebook in assignment {r['assignment']!r}")
                continue
            scores = part_scores(r)
            for grade in notebook.grades:
                if grade.name.startswith("check_"):
                    grade.auto_score = min(scores.get(grade.name[len("check_"):], 0.0), grade.max_score)
                    grade.needs_manual_grade = False
            gb.db.commit()
            if _regular_file(submitted):
                write_autograded(db_url, r, submitted, timestamp)
    return problems
