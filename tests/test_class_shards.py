"""Grading beyond one machine: ``grade-class --shard i/n`` on each node, then ``--merge``.

A class graded as two shares and merged gives exactly the gradebook of one run, whether the shares
wrote to separate folders (copied by the merge) or to one shared folder.
"""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from graders import classroom, sandbox

CORPORA = Path(__file__).parent / "corpora"
LIMITS = sandbox.Limits(wall_s=40, check_s=8, load_s=15, memory_mb=1024)
STUDENTS = {"good": ["good_student_1", "blank_student"], "crash": ["nan_outputs", "syntax_error", "missing_cells"],
            "attack": ["os_exit"]}


@pytest.fixture(scope="module")
def class_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("class")
    for corpus, names in STUDENTS.items():
        for name in names:
            shutil.copytree(CORPORA / corpus / name, root / name)
    return root


def _grade(class_dir, out, **kwargs):
    return classroom.grade_class(class_dir, out, jobs=2, limits=LIMITS, quiet=True, salt="shard-salt", **kwargs)


def _checks_without_timing(out: Path) -> list[dict]:
    with open(out / "checks.csv", newline="") as f:
        return [{k: v for k, v in row.items() if k != "seconds"} for row in csv.DictReader(f)]


@pytest.fixture(scope="module")
def single_run(class_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("single")
    _grade(class_dir, out)
    return out


def test_every_student_is_in_exactly_one_share():
    names = [f"student{i}" for i in range(200)]
    shares = [classroom.shard_of(n, 3) for n in names]
    assert set(shares) == {0, 1, 2} and all(shares.count(k) > 40 for k in range(3))
    assert shares == [classroom.shard_of(n, 3) for n in names]  # stable


def test_two_shares_in_separate_folders_merge_to_the_single_run(class_dir, single_run, tmp_path):
    shares = [tmp_path / f"share{i}" for i in range(2)]
    for i, folder in enumerate(shares):
        _grade(class_dir, folder, shard=(i, 2))
        assert not (folder / "gradebook.csv").exists()
    merged = tmp_path / "merged"
    classroom.merge(merged, shares)
    assert (merged / "gradebook.csv").read_text() == (single_run / "gradebook.csv").read_text()
    assert _checks_without_timing(merged) == _checks_without_timing(single_run)
    assert sorted(p.name for p in merged.glob("*/feedback.html")) == sorted(p.name for p in single_run.glob("*/feedback.html"))


def test_shares_writing_to_one_folder_then_merge_in_place(class_dir, single_run, tmp_path):
    out = tmp_path / "shared"
    for i in range(2):
        _grade(class_dir, out, shard=(i, 2))
    assert classroom.main(["--merge", "--out", str(out)]) == 0
    assert (out / "gradebook.csv").read_text() == (single_run / "gradebook.csv").read_text()


def test_merge_refuses_a_missing_share(class_dir, tmp_path):
    out = tmp_path / "partial"
    _grade(class_dir, out, shard=(0, 3))
    with pytest.raises(ValueError, match=r"shares \[1, 2\]"):
        classroom.merge(out)
    assert classroom.main(["--merge", "--out", str(out)]) == 2
