"""`make demo`'s job: the demo class grades with grade-class, with the scores its students should get,
the same scores as grading each notebook in-process, and the same again when regraded."""
import csv
import json

import pytest

from courseware.demo import DEMO_ROOT, run_demo
from graders import classroom
from graders.grade import grade_path


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert run_demo(str(out)) == 0
    return out


def test_demo_class_grades_as_expected(demo, capsys):
    with open(demo / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    alice, bob, carol = (float(rows[s]["total"]) for s in ("alice", "bob", "carol"))
    maximum = float(rows["alice"]["max"])
    assert alice == maximum > 0          # complete, correct notebooks
    assert 0 < bob < alice               # first part of each notebook only
    assert carol < alice                 # a syntax error and a crash cost her the parts they hit
    for result in demo.glob("carol/*/*.json"):
        errors = json.loads(result.read_text())["load_errors"]
        assert any("SyntaxError" in e for e in errors) and any("RuntimeError" in e for e in errors)
    notebooks = sorted(DEMO_ROOT.glob("*/*/*.ipynb"))
    assert len(list(demo.glob("*/*/*.json"))) == len(notebooks)
    assert all((demo / s / "feedback.html").is_file() for s in ("alice", "bob", "carol"))


def test_isolated_scores_equal_in_process_scores(demo):
    for path in sorted(DEMO_ROOT.glob("*/*/*.ipynb")):
        student = path.parts[-3]
        isolated = json.loads(classroom.result_path(demo, student, path.parts[-2], path.stem).read_text())
        clean = grade_path(path)
        assert [c["passed"] for c in isolated["checks"]] == [c.passed for c in clean.checks], path
        assert isolated["score"] == clean.score, path


def test_regrading_gives_identical_scores(demo, tmp_path):
    results = classroom.grade_class(DEMO_ROOT, tmp_path, students=["alice", "bob"], quiet=True)
    for r in results:
        first = json.loads(classroom.result_path(demo, r["student"], r["assignment"], r["notebook"]).read_text())
        assert [c["points"] for c in r["checks"]] == [c["points"] for c in first["checks"]]
