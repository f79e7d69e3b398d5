"""The notebook build: stubs, nbgrader metadata, and course/ kept in step with solutions/."""
import json

import pytest

from courseware import build, readme
from graders import catalog
from graders.testing import ready_tracks


def test_course_notebooks_are_up_to_date():
    stale = build.build([ex for ex, _ in dict.fromkeys(ready_tracks())], check_only=True)
    assert not stale, f"run `course build`: stale {[str(p) for p in stale]}"


def test_demo_class_is_up_to_date():
    from courseware.demo import make_demo_class

    stale = make_demo_class(check_only=True)
    assert not stale, f"run `course build`: stale {[str(p) for p in stale]}"


def test_readme_table_is_up_to_date():
    assert not readme.update(check_only=True), "run `course build` to regenerate the README table"


def test_solution_regions_become_stubs():
    src = "def f(x):\n    ### BEGIN SOLUTION (about 1 line) Hint: add one.\n    return x + 1\n    ### END SOLUTION\n"
    out = build.strip_solutions(src, "t.py")
    # the hint on its own line above nbgrader's default stub, so nbgrader releases the same text
    assert out == ("def f(x):\n    # (about 1 line) Hint: add one.\n    # YOUR CODE HERE\n"
                   "    raise NotImplementedError()")
    namespace = {}
    exec(out, namespace)
    with pytest.raises(NotImplementedError):
        namespace["f"](1)


def test_nbgrader_source_keeps_the_reference_inside_plain_delimiters():
    src = "def f(x):\n    ### BEGIN SOLUTION (about 1 line) Hint: add one.\n    return x + 1\n    ### END SOLUTION\n"
    out = build.strip_solutions(src, "t.py", keep_reference=True)
    assert out == ("def f(x):\n    # (about 1 line) Hint: add one.\n    ### BEGIN SOLUTION\n    return x + 1\n"
                   "    ### END SOLUTION")
    namespace = {}
    exec(out, namespace)
    assert namespace["f"](1) == 2


@pytest.mark.parametrize("src", [
    "### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",            # module level: the stub would raise on import
    "def f():\n    ### BEGIN SOLUTION\n    return 1\n",          # unterminated
    "def f():\n    return 1\n    ### END SOLUTION\n",            # END without BEGIN
])
def test_malformed_regions_are_rejected(src):
    with pytest.raises(build.BuildError):
        build.strip_solutions(src, "t.py")


@pytest.mark.parametrize("exercise,track", ready_tracks())
def test_student_notebook_hides_the_solution(exercise, track):
    ex = catalog.load().exercises[exercise]
    nb = json.loads(ex.notebook_path(track).read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in nb["cells"]]
    assert not any("BEGIN SOLUTION" in s or "END SOLUTION" in s for s in sources)
    graded = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("solution")]
    assert graded and all("raise NotImplementedError()" in "".join(c["source"]) for c in graded)
    checks = [c for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade")]
    assert checks and all(c["metadata"]["nbgrader"]["points"] > 0 for c in checks)
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"] if "nbgrader" in c["metadata"]]
    assert len(ids) == len(set(ids)), "nbgrader grade_ids must be unique"
    assert nb["metadata"]["courseware"] == {"exercise": exercise, "track": track, "module": ex.module}
    first = "".join(nb["cells"][0]["source"])
    for q in catalog.load().questions_for(exercise):
        assert q.title_zh in first and q.title_en in first
