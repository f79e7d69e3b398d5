"""The boundary between grader and student code: only wire values cross, student failures are contained."""
import numpy as np
import pytest

from graders import expect, wire
from graders.core import CheckFailed, Exercise
from graders.submission import CodeCell, InProcessSubmission, StudentCodeError, SubmissionSource, execute_cells


def submission(code: str, track: str = "numpy") -> InProcessSubmission:
    return InProcessSubmission.from_source(SubmissionSource([CodeCell(code)]), track)


EVIL = '''
import numpy as np

class AlwaysEqual:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __array__(self, dtype=None, copy=None): return np.zeros(3)

class LyingFloat(float):
    def __eq__(self, other): return True
    def __gt__(self, other): return True
    def __ge__(self, other): return True

class SneakyArray(np.ndarray):
    def __eq__(self, other): return np.ones(np.shape(other), bool)

def always_equal(): return AlwaysEqual()
def lying_float(): return LyingFloat(0.0)
def sneaky_array(): return np.zeros(3).view(SneakyArray)
def object_array(): return np.array([AlwaysEqual()] * 3, dtype=object)
def exits(): raise SystemExit(0)
def recursive(): x = []; x.append(x); return x
'''


def test_objects_with_a_lying_eq_become_handles():
    value = submission(EVIL).call("always_equal")
    assert isinstance(value, wire.Handle)
    with pytest.raises(CheckFailed, match="expected an array"):
        expect.array(value, "f()")


def test_float_subclasses_are_reduced_to_plain_floats():
    value = submission(EVIL).call("lying_float")
    assert type(value) is float and value == 0.0
    with pytest.raises(CheckFailed):
        expect.at_least(value, 1.0, "score")


def test_array_subclasses_are_reduced_to_plain_arrays():
    value = submission(EVIL).call("sneaky_array")
    assert type(value) is np.ndarray
    with pytest.raises(CheckFailed):
        expect.close(value, np.ones(3), "f()")


def test_object_arrays_do_not_cross():
    with pytest.raises(StudentCodeError, match="cannot read"):
        submission(EVIL).call("object_array")


def test_self_referencing_values_do_not_cross():
    with pytest.raises(StudentCodeError):
        submission(EVIL).call("recursive")


def test_system_exit_in_student_code_is_contained():
    with pytest.raises(StudentCodeError, match="SystemExit"):
        submission(EVIL).call("exits")


def test_missing_names_and_not_implemented_have_clear_messages():
    sub = submission("def f():\n    raise NotImplementedError()\n")
    with pytest.raises(StudentCodeError, match="not implemented yet"):
        sub.call("f")
    with pytest.raises(StudentCodeError, match="`g` is not defined"):
        sub.call("g")


def test_a_failing_cell_is_reported_and_later_cells_still_run():
    ns = {}
    errors = execute_cells([CodeCell("1 / 0"), CodeCell("x = 2"), CodeCell("check('a')", ("check",)),
                            CodeCell("%matplotlib inline\ny = 3")], ns)
    assert len(errors) == 1 and "ZeroDivisionError" in errors[0]
    assert ns["x"] == 2 and ns["y"] == 3


def test_student_code_cannot_change_the_graders_arrays():
    sub = submission("def f(a):\n    a[:] = 0\n    return a\n")
    data = np.arange(4.0)
    sub.call("f", data)
    assert np.array_equal(data, np.arange(4.0))


def test_handles_are_checked_on_the_way_back():
    sub = submission("def make(): return object()\ndef use(m): return 1\n")
    h = sub.call("make")
    assert sub.call("use", h) == 1
    with pytest.raises(StudentCodeError):
        sub.call("use", wire.Handle(99, "object"))


def test_grader_values_are_validated():
    with pytest.raises(wire.WireError):
        wire.check_wire(object())
    with pytest.raises(wire.WireError):
        wire.check_wire(np.array([object()], dtype=object))
    assert wire.check_wire({"a": [1, 2.0, None, "s", np.zeros(2)]})["a"][0] == 1


def test_torch_track_receives_tensors_and_returns_numpy():
    torch = pytest.importorskip("torch")
    sub = submission("import torch\ndef f(x):\n    assert isinstance(x, torch.Tensor)\n    return x * 2, {'n': torch.tensor(3)}\n", "torch")
    arr, info = sub.call("f", np.ones((2, 2), np.float32))
    assert type(arr) is np.ndarray and arr.sum() == 8 and info == {"n": 3}
    assert sub.layout == "NCHW"


def test_staged_checks_stop_at_the_first_failure_and_hidden_feedback_is_generic():
    ex = Exercise("demo")

    @ex.check("p", points=1)
    def first(sub, ctx):
        """first"""
        raise CheckFailed("expected 42, got 41")

    @ex.check("p", points=2)
    def second(sub, ctx):
        """second"""

    @ex.check("q", points=1, hidden=True)
    def secret(sub, ctx):
        """secret"""
        raise CheckFailed("expected 1234.5")

    @ex.check("q", points=1)
    def buggy(sub, ctx):
        """grader bug"""
        raise RuntimeError("oops")

    report = ex.grade(submission(""), salt="x")
    status = {c.id: c.status for c in report.checks}
    assert status == {"p.first": "failed", "p.second": "skipped", "q.secret": "failed", "q.buggy": "skipped"}
    assert "1234.5" not in report.to_json()
    assert report.score == 0 and report.max_score == 5
    only_public = ex.grade(submission(""), parts=["q"], include_hidden=False)
    assert [c.status for c in only_public.checks] == ["error"]
