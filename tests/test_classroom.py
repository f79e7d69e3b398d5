"""Class grading (graders.classroom) on the crash and attack corpora, mixed into a class of good submissions.

One run grades everything (tests/corpora/{crash,attack,good}); every row must have a status and a
reason, each corpus case must end as tests/corpora/expected.yaml says, the good submissions must
score exactly what an in-process grading gives them, and no file outside the workers' temporary
directories may change.
"""
from __future__ import annotations

import contextlib
import csv
import json
import os
import shutil
import sys
from pathlib import Path

import pytest
import yaml

from graders import catalog, classroom, remote, sandbox
from graders.grade import grade_path

CORPORA = Path(__file__).parent / "corpora"
EXPECTED = yaml.safe_load((CORPORA / "expected.yaml").read_text())
SALT = "corpus-salt"
LIMITS = sandbox.Limits(wall_s=40, check_s=8, load_s=15, memory_mb=1024)
ISOLATED = sandbox.probe().isolated


def _snapshot(*roots: Path) -> dict[str, tuple[int, int]]:
    state = {}
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d not in (".venv", ".git", "__pycache__", ".pytest_cache")]
            for name in filenames:
                path = os.path.join(dirpath, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                state[path] = (st.st_size, st.st_mtime_ns)
    return state


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    class_dir = tmp_path_factory.mktemp("class")
    out = tmp_path_factory.mktemp("results")
    for corpus in ("crash", "attack", "good"):
        for student in (CORPORA / corpus).iterdir():
            shutil.copytree(student, class_dir / student.name)
    tmp_before = set(os.listdir("/tmp"))
    repo = catalog.ROOT
    # The repository's top-level files and everything an attack aims at; other files of the
    # repository may legitimately change while the test runs (an author editing), the class may not.
    targets = [repo / d / "conftest.py" for d in ("", "tests", "graders", "graders/exercises")]
    top = [p for p in repo.iterdir() if p.is_file()]
    before = _snapshot(class_dir) | {str(p): _stat(p) for p in targets + top}
    with _planted_secrets():
        results = classroom.grade_class(class_dir, out, jobs=2, limits=LIMITS, quiet=True, salt=SALT)
    after = _snapshot(class_dir) | {str(p): _stat(p) for p in targets + top}
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    changed += _owned_by_workers([p for p in repo.iterdir() if p.name not in (".venv", ".git")] + [class_dir])
    new_in_tmp = set(os.listdir("/tmp")) - tmp_before
    return {"results": {r["student"]: r for r in results}, "out": out, "class_dir": class_dir,
            "changed": changed, "new_in_tmp": new_in_tmp}


@contextlib.contextmanager
def _planted_secrets():
    """What the attacks look for: a root-only (0600) file under the Python prefix, which workers see,
    and the reference answers on the grader's stdin."""
    secret = Path(sys.prefix) / ".course-root-only"
    secret.write_text("the grading salt")
    secret.chmod(0o600)
    saved_stdin = os.dup(0)
    answers = CORPORA.parent.parent / "solutions" / "m01_image_basics" / "histogram_equalization" / "numpy.py"
    with open(answers, "rb") as f:
        os.dup2(f.fileno(), 0)
    try:
        yield
    finally:
        os.dup2(saved_stdin, 0)
        os.close(saved_stdin)
        secret.unlink(missing_ok=True)  # xdist: another worker may have planted and removed it too


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_size, st.st_mtime_ns


def _worker_uids() -> range:
    return remote.worker_uids(os.getpid())


def _owned_by_workers(roots: list[Path]) -> list[str]:
    """Files a worker created anywhere under ``roots`` (they would belong to a worker's uid)."""
    uids, found = _worker_uids(), []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames + filenames:
                path = os.path.join(dirpath, name)
                try:
                    if os.lstat(path).st_uid in uids:
                        found.append(path)
                except OSError:
                    pass
    return found


def _score_kind(result: dict, blank: float) -> dict[str, bool]:
    return {"full": result["score"] == result["max_score"] > 0, "zero": result["score"] == 0,
            "partial": 0 < result["score"] < result["max_score"], "at_most_blank": result["score"] <= blank}


def test_every_submission_has_a_status_and_a_reason(graded):
    names = {p.name for corpus in ("crash", "attack", "good") for p in (CORPORA / corpus).iterdir()}
    assert set(graded["results"]) == names
    for r in graded["results"].values():
        assert r["status"] in classroom.STATUSES and r["reason"], r


@pytest.mark.parametrize("case", sorted(EXPECTED["crash"]))
def test_crash_corpus(graded, case):
    expected, r = EXPECTED["crash"][case], graded["results"][case]
    assert r["status"] == expected["status"], (r["status"], r["reason"], r["load_errors"])
    assert _score_kind(r, 0.0)[expected["score"]], (r["score"], r["max_score"], r["reason"])
    if "reason" in expected:
        assert expected["reason"] in r["reason"] + " ".join(r["load_errors"]), (r["reason"], r["load_errors"])


@pytest.mark.skipif(not ISOLATED, reason="needs root: namespaces, cgroups and uid separation")
@pytest.mark.parametrize("case", sorted(EXPECTED["attack"]))
def test_attack_corpus(graded, case):
    expected, r = EXPECTED["attack"][case], graded["results"][case]
    blank = graded["results"]["blank_student"]["score"]
    if "score" in expected:
        assert _score_kind(r, blank)[expected["score"]], (r["score"], blank, [c["id"] for c in r["checks"] if c["passed"]])
    for part in expected.get("zero_parts", ()):
        earned = [c["id"] for c in r["checks"] if c["part"] == part and c["points"] > 0]
        assert earned == [] and any(c["part"] == part for c in r["checks"]), (part, earned)
    if "status" in expected:
        assert r["status"] == expected["status"], (r["status"], r["reason"])
    if "reason" in expected:
        assert expected["reason"] in r["reason"], r["reason"]


@pytest.mark.skipif(not ISOLATED, reason="needs root: namespaces, cgroups and uid separation")
def test_no_file_outside_the_workers_changed(graded):
    assert graded["changed"] == []
    planted = {"conftest.py", "gradebook.csv", "histogram_equalization_numpy.json"}
    assert not planted & graded["new_in_tmp"]
    gradebook = (graded["out"] / "gradebook.csv").read_text()
    assert "999" not in gradebook and "attacker" not in gradebook


def test_no_worker_process_is_left(graded):
    uids, leftovers = _worker_uids(), []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration):
            continue
        if uid in uids:
            leftovers.append(status.read_text())
    assert leftovers == []


def test_good_submissions_score_as_in_a_clean_run(graded):
    path = CORPORA / "good" / "good_student_1" / "histogram_equalization_numpy.ipynb"
    clean = grade_path(path, salt=SALT)
    for student in ("good_student_1", "good_student_2"):
        r = graded["results"][student]
        assert r["status"] == "ok" and r["score"] == clean.score == clean.max_score
        assert [c["passed"] for c in r["checks"]] == [c.passed for c in clean.checks]


def test_gradebook_checks_csv_and_feedback(graded):
    out, results = graded["out"], graded["results"]
    with open(out / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert set(rows) == set(results)
    assert float(rows["good_student_1"]["total"]) == results["good_student_1"]["max_score"]
    assert "timeout" in rows["infinite_loop"]["statuses"]
    with open(out / "checks.csv", newline="") as f:
        checks = list(csv.DictReader(f))
    assert len(checks) == sum(len(r["checks"]) for r in results.values())
    page = (out / "nan_outputs" / "feedback.html").read_text()
    assert "nan_outputs" in page and "✘" in page and "<script" not in page
    hidden = [c for r in results.values() for c in r["checks"] if c["hidden"] and not c["passed"]]
    assert hidden and all(c["message"].startswith(("hidden check failed", "not run")) for c in hidden)
    run = json.loads((out / "run.json").read_text())
    assert run["submissions"] == len(results) and run["isolation"]["memory"]


def test_regrading_one_student_is_idempotent(graded, tmp_path):
    out = tmp_path / "results"
    shutil.copytree(graded["out"], out)
    before = (out / "gradebook.csv").read_text()
    classroom.grade_class(graded["class_dir"], out, jobs=1, limits=LIMITS, students=["good_student_2"],
                          quiet=True, salt=SALT)
    assert (out / "gradebook.csv").read_text() == before


def test_discover_layouts(tmp_path):
    nb = CORPORA / "good" / "good_student_1" / "histogram_equalization_numpy.ipynb"
    (tmp_path / "nbgrader" / "submitted" / "ann" / "m01").mkdir(parents=True)
    shutil.copy(nb, tmp_path / "nbgrader" / "submitted" / "ann" / "m01" / nb.name)
    (tmp_path / "flat").mkdir()
    shutil.copy(nb, tmp_path / "flat" / "bo.ipynb")
    (tmp_path / "flat" / ".ipynb_checkpoints").mkdir()
    shutil.copy(nb, tmp_path / "flat" / ".ipynb_checkpoints" / "bo-checkpoint.ipynb")
    [a] = classroom.discover(tmp_path / "nbgrader")
    assert (a.student, a.assignment, a.path.name) == ("ann", "m01", nb.name)
    [b] = classroom.discover(tmp_path / "flat")
    assert (b.student, b.path.name) == ("bo", "bo.ipynb")
    with pytest.raises(FileNotFoundError):
        classroom.grade_class(tmp_path / "nothing-here", tmp_path / "out")


def test_without_root_the_weaker_isolation_still_grades(tmp_path, monkeypatch):
    """A laptop or an unprivileged CI: no namespaces, cgroups or uids; rlimits and a temp dir remain."""
    from graders import remote

    weak = sandbox.Mechanisms(root=False, memory="RLIMIT_AS (address space; approximate)",
                              processes="none (not root)", notes=["not root (simulated)"])
    monkeypatch.setattr(remote.sandbox, "probe", lambda: weak)
    class_dir = tmp_path / "class"
    for student in ("good_student_1", "blank_student"):
        shutil.copytree(CORPORA / "good" / student, class_dir / student)
    shutil.copytree(CORPORA / "crash" / "infinite_loop", class_dir / "infinite_loop")
    results = {r["student"]: r for r in classroom.grade_class(class_dir, tmp_path / "out", jobs=2, limits=LIMITS,
                                                             quiet=True, salt=SALT)}
    assert results["good_student_1"]["score"] == results["good_student_1"]["max_score"] > 0
    assert results["blank_student"]["score"] == 0
    assert results["infinite_loop"]["status"] == "timeout"
    run = json.loads((tmp_path / "out" / "run.json").read_text())
    assert run["isolation"]["notes"] == ["not root (simulated)"]
