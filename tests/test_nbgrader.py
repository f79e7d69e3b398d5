"""nbgrader accepts the generated notebooks (generate_assignment, autograde), and grade-class
writes its scores into nbgrader's gradebook."""
import csv
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from courseware.demo import DEMO_ROOT
from graders import catalog

EXERCISE, TRACK = "histogram_equalization", "numpy"


def nbgrader(*args, cwd):
    bin_dir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` and kernels from this environment
    env = dict(os.environ, PATH=bin_dir + os.pathsep + os.environ.get("PATH", ""))
    result = subprocess.run([os.path.join(bin_dir, "nbgrader"), *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


NEEDS_NBGRADER = pytest.mark.skipif(shutil.which("nbgrader", path=str(Path(sys.executable).parent)) is None,
                                    reason="nbgrader is not installed")


def released_course(course: Path, students: tuple[str, ...]) -> tuple[str, Path]:
    """An nbgrader course dir: the exercise's notebook generated and released, and the demo students'
    copies in submitted/. Returns (assignment, released notebook)."""
    ex = catalog.load().exercises[EXERCISE]
    assignment = ex.module
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "demo"\n')
    source = course / "source" / assignment
    source.mkdir(parents=True)
    shutil.copy(ex.notebook_path(TRACK), source)
    nbgrader("db", "assignment", "add", assignment, cwd=course)
    nbgrader("generate_assignment", assignment, "--force", cwd=course)
    released = course / "release" / assignment / ex.notebook_path(TRACK).name
    assert released.is_file()
    for student in students:
        target = course / "submitted" / student / assignment
        target.mkdir(parents=True)
        shutil.copy(DEMO_ROOT / student / assignment / released.name, target)
    return assignment, released


def exported_grades(course: Path) -> dict[str, tuple[float, float]]:
    nbgrader("export", cwd=course)
    with open(course / "grades.csv", newline="") as f:
        return {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}


@NEEDS_NBGRADER
def test_generate_assignment_and_autograde(tmp_path):
    assignment, _ = released_course(tmp_path, ("alice", "bob"))
    nbgrader("autograde", assignment, "--force", cwd=tmp_path)
    grades = exported_grades(tmp_path)
    alice, bob = grades["alice"], grades["bob"]
    assert alice[0] == alice[1] > 0, grades  # complete submission: every check cell passes
    assert 0 < bob[0] < bob[1], grades        # only the first part solved


@NEEDS_NBGRADER
def test_grade_class_pushes_scores_into_nbgraders_gradebook(tmp_path):
    """The instructor's workflow: release and collect with nbgrader, grade submitted/ with grade-class
    --nbgrader-db, and nbgrader export (formgrader reads the same database) shows those scores."""
    from graders import classroom

    released_course(tmp_path, ("alice", "bob", "carol"))
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert classroom.main([str(tmp_path), "--out", str(tmp_path / "results"), "--nbgrader-db", db, "--jobs", "1"]) == 0
    exported = exported_grades(tmp_path)
    with open(tmp_path / "results" / "gradebook.csv", newline="") as f:
        ours = {row["student"]: (float(row["total"]), float(row["max"])) for row in csv.DictReader(f)}
    assert exported == ours
    assert ours["alice"][0] == ours["alice"][1] > ours["bob"][0] > 0
