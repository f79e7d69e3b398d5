"""`course scaffold` produces an exercise that builds, and whose template grader grades its template."""
import importlib.util

import pytest

from courseware import build, scaffold
from graders import catalog
from graders.submission import InProcessSubmission, read_source


@pytest.fixture
def tmp_root(tmp_path, monkeypatch):
    monkeypatch.setattr(catalog, "ROOT", tmp_path)
    return tmp_path


def planned(track_kind):
    return next(e for e in catalog.load().exercises.values()
                if not e.ready and (("numpy" in e.tracks) == (track_kind == "numpy")))


@pytest.mark.parametrize("kind", ["numpy", "torch"])
def test_scaffold_creates_a_working_skeleton(tmp_root, kind):
    ex = planned(kind)
    created = scaffold.scaffold(ex.id, tmp_root)
    assert all(p.is_relative_to(tmp_root) and p.exists() for p in created)
    spec = importlib.util.spec_from_file_location(f"graders.exercises.{ex.id}", ex.grader_path())
    grader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(grader)
    for track in ex.tracks:
        source = read_source(ex.solution_path(track))
        stub = build.strip_solutions(source.cells[1].source, "template")
        assert "raise NotImplementedError()" in stub
        sub = InProcessSubmission.from_source(source, "numpy")  # the template's code is framework-free
        sub.namespace["check"] = None
        assert grader.EXERCISE.grade(sub).all_passed
    with pytest.raises(SystemExit, match="refusing to overwrite"):
        scaffold.scaffold(ex.id, tmp_root)


def test_scaffold_rejects_unknown_ids(tmp_root):
    with pytest.raises(SystemExit, match="not in course/catalog.yaml"):
        scaffold.scaffold("no_such_exercise", tmp_root)
