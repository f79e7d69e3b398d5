"""The demo class: three students' submissions, generated from the references, graded with one command.

``course build`` writes ``data/demo_class/submitted/<student>/<module>/<notebook>.ipynb`` (nbgrader's
submitted/ layout, one module = one assignment) and ``course demo`` grades them with ``grade-class``
(:mod:`graders.classroom`) and prints a table:

* alice hands in complete, correct notebooks (the reference solutions in student-notebook form);
* bob solves only the first part of each notebook;
* carol's notebooks are broken: a syntax error in one answer, an exception in another.
"""
from __future__ import annotations

import sys
from pathlib import Path

import nbformat

from graders import catalog as catalog_mod

DEMO_ROOT = catalog_mod.ROOT / "data" / "demo_class" / "submitted"
DEMO_NOTEBOOKS = [("histogram_equalization", "numpy"), ("image_quality_metrics", "numpy"),
                  ("cnn_classification", "torch"), ("denoising_autoencoder", "tf")]
STUDENTS = ("alice", "bob", "carol")


def _answer_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]


def submission_notebook(student: str, ex: catalog_mod.Exercise, track: str) -> nbformat.NotebookNode:
    """The student notebook with some answer cells replaced by the reference's code."""
    import jupytext

    from .build import BEGIN, END, build_notebook

    nb = build_notebook(ex, track, catalog_mod.load())
    reference = [c for c in jupytext.read(ex.solution_path(track), fmt="py:percent").cells
                 if "solution" in c.metadata.get("tags", [])]
    answers = _answer_cells(nb)
    assert len(reference) == len(answers)

    def reference_code(i: int) -> str:
        lines = reference[i].source.splitlines()
        return "\n".join(line for line in lines if not (BEGIN.match(line) or END.match(line)))

    for i, cell in enumerate(answers):
        if student == "alice" or (student == "bob" and i == 0):
            cell.source = reference_code(i)
        elif student == "carol" and i == 0:
            cell.source = reference_code(i).replace("):", ")", 1)  # a syntax error
        elif student == "carol":
            cell.source = reference_code(i) + "\n\nraise RuntimeError('carol was still editing this')\n"
    return nb


def make_demo_class(check_only: bool = False) -> list[Path]:
    """Write (or compare) the demo submissions; return the stale paths."""
    from .build import render

    cat = catalog_mod.load()
    stale = []
    for ex_id, track in DEMO_NOTEBOOKS:
        ex = cat.exercises[ex_id]
        if not ex.ready:
            continue
        for student in STUDENTS:
            path = DEMO_ROOT / student / ex.module / f"{ex.id}_{track}.ipynb"
            text = render(submission_notebook(student, ex, track))
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(path)
                if not check_only:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_text(text, encoding="utf-8")
    return stale


def run_demo(out_dir: str) -> int:
    """Grade the demo class with the instructors' command (isolated workers, gradebook, feedback)."""
    from graders import classroom

    if not any(DEMO_ROOT.glob("*/*/*.ipynb")):
        print(f"no demo submissions under {DEMO_ROOT}; run `course build`", file=sys.stderr)
        return 1
    return classroom.main([str(DEMO_ROOT), "--out", out_dir])
