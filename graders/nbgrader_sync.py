"""Push class-grading results into nbgrader's gradebook, so formgrader and ``nbgrader export`` show them.

The generated notebooks give each ``check("<part>")`` cell the nbgrader grade id ``check_<part>``,
worth the part's points (public and hidden checks). For every graded submission this writes the
part's score as that cell's manual score, creating the student and the submission record when
nbgrader has not seen them (the assignment itself must be in the gradebook: ``nbgrader
generate_assignment`` puts it there).
"""
from __future__ import annotations

from collections import defaultdict


def part_scores(result: dict) -> dict[str, float]:
    scores: dict[str, float] = defaultdict(float)
    for check in result["checks"]:
        scores[check["part"]] += check["points"]
    return dict(scores)


def push(db_url: str, results: list[dict]) -> list[str]:
    """Write the scores; return one line per submission that could not be pushed, with the reason."""
    from nbgrader.api import Gradebook, MissingEntry

    problems = []
    with Gradebook(db_url) as gb:
        for r in results:
            if not r.get("assignment"):
                problems.append(f"{r['student']}/{r['notebook']}: not in nbgrader's submitted/<student>/<assignment>/ layout")
                continue
            try:
                gb.find_assignment(r["assignment"])
            except MissingEntry:
                problems.append(f"{r['student']}/{r['notebook']}: assignment {r['assignment']!r} is not in the gradebook "
                                "(run nbgrader generate_assignment first)")
                continue
            gb.update_or_create_student(r["student"])
            try:
                gb.find_submission(r["assignment"], r["student"])
            except MissingEntry:
                gb.add_submission(r["assignment"], r["student"])
            try:
                notebook = gb.find_submission_notebook(r["notebook"], r["assignment"], r["student"])
            except MissingEntry:
                problems.append(f"{r['student']}/{r['notebook']}: no such notebook in assignment {r['assignment']!r}")
                continue
            scores = part_scores(r)
            for grade in notebook.grades:
                if grade.name.startswith("check_"):
                    grade.manual_score = min(scores.get(grade.name[len("check_"):], 0.0), grade.max_score)
            gb.db.commit()
    return problems
