"""`pytest graders`: every reference solution of every ready exercise and track scores full marks."""
import pytest

from graders import catalog
from graders.testing import grade_file, ready_tracks


@pytest.mark.parametrize("exercise,track", ready_tracks())
def test_reference_scores_full_marks(exercise, track):
    ex = catalog.load().exercises[exercise]
    report = grade_file(ex.solution_path(track), exercise, track)
    assert not report.load_errors, report.load_errors
    assert report.checks, "the grader has no checks"
    assert report.all_passed, "\n" + report.format()
    assert report.score == report.max_score > 0
