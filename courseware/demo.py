"""The demo class: three students' submissions, generated from the references, graded with one command.

``course build`` writes ``data/demo_class/submitted/<student>/<module>/<notebook>.ipynb`` (nbgrader's
submitted/ layout, one module = one assignment) and ``course demo`` grades them and prints a table:

* alice hands in complete, correct notebooks (the reference solutions in student-notebook form);
* bob solves only the first part of each notebook;
* carol's notebooks are broken: a syntax error in one answer, an exception in another.
"""
from __future__ import annotations

import csv
import sys
import time
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
    from graders.grade import grade_path

    out = Path(out_dir)
    notebooks = sorted(DEMO_ROOT.glob("*/*/*.ipynb"))
    if not notebooks:
        print(f"no demo submissions under {DEMO_ROOT}; run `course build`", file=sys.stderr)
        return 1
    rows, start = [], time.perf_counter()
    for k, path in enumerate(notebooks, 1):
        student, notebook = path.parts[-3], path.stem
        print(f"[{k}/{len(notebooks)}] grading {student}/{notebook} ...", end="", flush=True)
        t0 = time.perf_counter()
        report = grade_path(path)
        print(f" {report.score:g}/{report.max_score:g} in {time.perf_counter() - t0:.1f} s", flush=True)
        target = out / student / f"{notebook}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(report.to_json() + "\n", encoding="utf-8")
        rows.append((student, notebook, report))

    columns = sorted({nb for _, nb, _ in rows})
    table = {s: {nb: r for st, nb, r in rows if st == s} for s in sorted({s for s, _, _ in rows})}
    with open(out / "gradebook.csv", "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["student", *columns, "total", "max"])
        for student, reports in table.items():
            total = sum(r.score for r in reports.values())
            writer.writerow([student, *[reports[c].score if c in reports else "" for c in columns],
                             round(total, 3), sum(r.max_score for r in reports.values())])
    width = max(len(c) for c in columns)
    print(f"\n{'student':<8} " + " ".join(f"{c:>{width}}" for c in columns) + f" {'total':>9}")
    for student, reports in table.items():
        cells = [f"{reports[c].score:g}/{reports[c].max_score:g}" if c in reports else "-" for c in columns]
        total = sum(r.score for r in reports.values())
        maximum = sum(r.max_score for r in reports.values())
        print(f"{student:<8} " + " ".join(f"{c:>{width}}" for c in cells) + f" {total:>4g}/{maximum:<4g}")
    print(f"\ngraded {len(rows)} notebooks in {time.perf_counter() - start:.1f} s; "
          f"results in {out}/ (gradebook.csv and one JSON per notebook)")
    return 0
