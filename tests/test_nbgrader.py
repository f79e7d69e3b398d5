"""The instructor's nbgrader workflow of README's "### nbgrader", command by command, in a temporary
course directory with a temporary exchange: course nbgrader, generate_assignment, release, fetch and
submit as two students, collect, grade-class --nbgrader-db, formgrader's view through nbgrader's API,
nbgrader export and generate_feedback. And nbgrader's own autograder accepts the released notebooks."""
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from courseware.build import BEGIN, END
from graders import catalog

EXERCISE, TRACK = "histogram_equalization", "numpy"
BIN = Path(sys.executable).parent
COURSE_ID = "dlcv-test"
NEEDS_NBGRADER = pytest.mark.skipif(not (BIN / "nbgrader").exists(), reason="nbgrader is not installed")


def run(command: str, *args, cwd) -> subprocess.CompletedProcess:
    """A command of the venv, as after `source .venv/bin/activate` (nbgrader runs `alembic` and kernels from PATH)."""
    env = dict(os.environ, PATH=str(BIN) + os.pathsep + os.environ.get("PATH", ""), OMP_NUM_THREADS="1")
    result = subprocess.run([str(BIN / command), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, f"{command} {args}: {result.stdout}{result.stderr}"
    return result


def comparable(nb: dict) -> list[tuple]:
    """What a student sees of a notebook: cell types, sources, tags, and the nbgrader fields we write
    (nbgrader adds its own, e.g. checksums and locks)."""
    keys = ("grade", "grade_id", "locked", "points", "solution")
    return [(c["cell_type"], "".join(c["source"]), c["metadata"].get("tags", []),
             {k: v for k, v in c["metadata"].get("nbgrader", {}).items() if k in keys}) for c in nb["cells"]]


def answered(nb: dict, source: dict, parts: int) -> dict:
    """The released notebook with its first ``parts`` answer cells replaced by the reference's code."""
    references = [c for c in source["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    answers = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    for cell, reference in list(zip(answers, references))[:parts]:
        lines = "".join(reference["source"]).splitlines()
        cell["source"] = "\n".join(line for line in lines if not (BEGIN.match(line) or END.match(line)))
    return nb


def instructor_course(tmp_path: Path) -> tuple[Path, str, str]:
    """`course nbgrader` for one module, one exercise kept; returns (course dir, assignment, notebook name)."""
    ex = catalog.load().exercises[EXERCISE]
    course, exchange = tmp_path / "course", tmp_path / "exchange"
    exchange.mkdir()
    run("course", "nbgrader", course, "--course-id", COURSE_ID, "--exchange", exchange, "--module", ex.module,
        cwd=tmp_path)
    name = ex.notebook_path(TRACK).stem
    for other in (course / "source" / ex.module).glob("*.ipynb"):  # one fast exercise keeps the test short
        if other.stem != name:
            other.unlink()
    return course, ex.module, name


@NEEDS_NBGRADER
def test_release_collect_grade_class_formgrader_feedback(tmp_path):
    course, assignment, name = instructor_course(tmp_path)
    config = (course / "nbgrader_config.py").read_text()
    assert repr(COURSE_ID) in config and repr(str(tmp_path / "exchange")) in config

    run("nbgrader", "generate_assignment", assignment, cwd=course)
    released = json.loads((course / "release" / assignment / f"{name}.ipynb").read_text())
    student_notebook = json.loads(catalog.load().exercises[EXERCISE].notebook_path(TRACK).read_text())
    assert comparable(released) == comparable(student_notebook)  # signature, docstring and hint kept
    run("nbgrader", "release_assignment", assignment, cwd=course)

    source = json.loads((course / "source" / assignment / f"{name}.ipynb").read_text())
    for student, parts in (("alice", 3), ("bob", 1)):  # bob hands in the first part only
        home = tmp_path / student
        home.mkdir()
        (home / "nbgrader_config.py").write_text(
            f"c = get_config()\nc.CourseDirectory.course_id = {COURSE_ID!r}\n"
            f"c.Exchange.root = {str(tmp_path / 'exchange')!r}\nc.Exchange.cache = {str(home / '.cache')!r}\n")
        run("nbgrader", "fetch_assignment", assignment, cwd=home)
        fetched = home / assignment / f"{name}.ipynb"
        assert comparable(json.loads(fetched.read_text())) == comparable(student_notebook)
        fetched.write_text(json.dumps(answered(json.loads(fetched.read_text()), source, parts)))
        run("nbgrader", "submit", assignment, "--student", student, cwd=home)

    run("nbgrader", "collect", assignment, cwd=course)
    assert sorted(p.name for p in (course / "submitted").iterdir()) == ["alice", "bob"]
    db = f"sqlite:///{course / 'gradebook.db'}"
    graded = run("grade-class", ".", "--out", tmp_path / "results", "--nbgrader-db", db, "--jobs", 1, cwd=course)
    assert "Warning" not in graded.stderr, graded.stderr  # the SAWarnings of nbgrader's add_submission
    assert "pushed 2 of 2 submissions" in graded.stdout
    with open(tmp_path / "results" / "gradebook.csv", newline="") as f:
        ours = {row["student"]: (float(row["total"]), float(row["max"])) for row in csv.DictReader(f)}
    assert ours["alice"][0] == ours["alice"][1] > ours["bob"][0] > 0, ours

    # formgrader's view: every submission autograded, scored, nothing left for manual grading
    from nbgrader.api import Gradebook
    from nbgrader.apps.api import NbGraderAPI
    from traitlets.config import Config

    cfg = Config()
    cfg.CourseDirectory.root = str(course)
    cfg.CourseDirectory.course_id = COURSE_ID
    cfg.Exchange.root = str(tmp_path / "exchange")
    api = NbGraderAPI(config=cfg)
    submissions = {s["student"]: s for s in api.get_submissions(assignment)}
    assert set(submissions) == {"alice", "bob"}
    for student, s in submissions.items():
        assert s["autograded"] and not s["needs_manual_grade"], s
        assert (s["score"], s["max_score"]) == ours[student], s
    notebooks = api.get_notebook_submissions(assignment, name)
    assert len(notebooks) == 2 and not any(n["needs_manual_grade"] for n in notebooks), notebooks
    with Gradebook(db) as gb:
        grades = [g for s in ("alice", "bob") for g in gb.find_submission_notebook(name, assignment, s).grades]
        assert grades and all(not g.needs_manual_grade and g.auto_score is not None for g in grades)

    run("nbgrader", "export", cwd=course)
    with open(course / "grades.csv", newline="") as f:
        exported = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    assert exported == ours

    run("nbgrader", "generate_feedback", assignment, cwd=course)
    for student in ("alice", "bob"):
        page = (course / "feedback" / student / assignment / f"{name}.html").read_text()
        assert f"{ours[student][0]:g}" in page and "✔ histogram:" in page
    bob_page = (course / "feedback" / "bob" / assignment / f"{name}.html").read_text()
    assert "✘ equalize:" in bob_page and "NotImplementedError" in bob_page
    run("nbgrader", "release_feedback", assignment, cwd=course)
    run("nbgrader", "fetch_feedback", assignment, "--student", "bob", cwd=tmp_path / "bob")
    fetched_feedback = list((tmp_path / "bob" / assignment / "feedback").glob(f"*/{name}.html"))
    assert len(fetched_feedback) == 1 and fetched_feedback[0].read_text() == bob_page


@NEEDS_NBGRADER
def test_nbgraders_autograder_grades_the_released_notebooks(tmp_path):
    """nbgrader's own autograde (kernels, check cells as tests) agrees: complete full marks, partial some."""
    course, assignment, name = instructor_course(tmp_path)
    run("nbgrader", "generate_assignment", assignment, cwd=course)
    released = json.loads((course / "release" / assignment / f"{name}.ipynb").read_text())
    source = json.loads((course / "source" / assignment / f"{name}.ipynb").read_text())
    for student, parts in (("alice", 3), ("bob", 1)):
        target = course / "submitted" / student / assignment
        target.mkdir(parents=True)
        (target / f"{name}.ipynb").write_text(json.dumps(answered(json.loads(json.dumps(released)), source, parts)))
    run("nbgrader", "autograde", assignment, cwd=course)
    run("nbgrader", "export", cwd=course)
    with open(course / "grades.csv", newline="") as f:
        grades = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    assert grades["alice"][0] == grades["alice"][1] > grades["bob"][0] > 0, grades
