"""nbgrader accepts the generated notebooks: generate_assignment, then autograde of demo submissions."""
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


@pytest.mark.skipif(shutil.which("nbgrader", path=str(Path(sys.executable).parent)) is None,
                    reason="nbgrader is not installed")
def test_generate_assignment_and_autograde(tmp_path):
    ex = catalog.load().exercises[EXERCISE]
    assignment = ex.module
    (tmp_path / "nbgrader_config.py").write_text(
        'c = get_config()\nc.CourseDirectory.course_id = "demo"\n')
    source = tmp_path / "source" / assignment
    source.mkdir(parents=True)
    shutil.copy(ex.notebook_path(TRACK), source)
    nbgrader("db", "assignment", "add", assignment, cwd=tmp_path)
    nbgrader("generate_assignment", assignment, "--force", cwd=tmp_path)
    released = tmp_path / "release" / assignment / ex.notebook_path(TRACK).name
    assert released.is_file()

    for student in ("alice", "bob"):
        target = tmp_path / "submitted" / student / assignment
        target.mkdir(parents=True)
        shutil.copy(DEMO_ROOT / student / assignment / released.name, target)
    nbgrader("autograde", assignment, "--force", cwd=tmp_path)
    nbgrader("export", cwd=tmp_path)
    with open(tmp_path / "grades.csv", newline="") as f:
        grades = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    alice, bob = grades["alice"], grades["bob"]
    assert alice[0] == alice[1] > 0, grades  # complete submission: every check cell passes
    assert 0 < bob[0] < bob[1], grades        # only the first part solved


@pytest.mark.skipif(shutil.which("nbgrader", path=str(Path(sys.executable).parent)) is None,
                    reason="nbgrader is not installed")
def test_grade_class_pushes_scores_into_nbgraders_gradebook(tmp_path):
    """The instructor's workflow: release and collect with nbgrader, grade submitted/ with grade-class
    --nbgrader-db, and nbgrader export (formgrader reads the same database) shows those scores."""
    from graders import classroom

    ex = catalog.load().exercises[EXERCISE]
    assignment = ex.module
    (tmp_path / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "demo"\n')
    source = tmp_path / "source" / assignment
    source.mkdir(parents=True)
    shutil.copy(ex.notebook_path(TRACK), source)
    nbgrader("db", "assignment", "add", assignment, cwd=tmp_path)
    nbgrader("generate_assignment", assignment, "--force", cwd=tmp_path)
    name = ex.notebook_path(TRACK).name
    for student in ("alice", "bob", "carol"):
        target = tmp_path / "submitted" / student / assignment
        target.mkdir(parents=True)
        shutil.copy(DEMO_ROOT / student / assignment / name, target)
    db = f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert classroom.main([str(tmp_path), "--out", str(tmp_path / "results"), "--nbgrader-db", db, "--jobs", "1"]) == 0

    nbgrader("export", cwd=tmp_path)
    with open(tmp_path / "grades.csv", newline="") as f:
        exported = {row["student_id"]: (float(row["score"]), float(row["max_score"])) for row in csv.DictReader(f)}
    with open(tmp_path / "results" / "gradebook.csv", newline="") as f:
        ours = {row["student"]: (float(row["total"]), float(row["max"])) for row in csv.DictReader(f)}
    assert exported == ours
    assert ours["alice"][0] == ours["alice"][1] > ours["bob"][0] > 0
