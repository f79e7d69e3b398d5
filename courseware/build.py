"""Build student notebooks from the reviewable text sources.

Source of an exercise ``X`` in module ``M`` (see ``course scaffold``)::

    solutions/M/X/lesson.md     the idea, in prose; a '## Follow-up questions' section goes last
    solutions/M/X/<track>.py    jupytext percent-format reference solution, one per track

Target: ``course/M/X_<track>.ipynb``. The build

* opens the notebook with the seed questions (Chinese and English) from course/catalog.yaml;
* replaces each ``### BEGIN SOLUTION <hint>`` ... ``### END SOLUTION`` region with a ``# <hint>``
  comment line and nbgrader's default stub (``# YOUR CODE HERE`` and ``raise NotImplementedError()``),
  and drops cells tagged ``hidden``;
* writes nbgrader cell metadata: solution cells are autograded answers, ``check("part")`` cells are
  locked autograder tests (grade id ``check_<part>``) worth that part's points, the setup cell is locked.

With ``nbgrader_source=True`` the answer cells keep the reference instead: the hint line, then
``### BEGIN SOLUTION`` ... ``### END SOLUTION`` around the answer. That is an nbgrader source notebook:
``nbgrader generate_assignment`` (default ``ClearSolutions.code_stub``) turns it into exactly the
student notebook (``courseware/nbgrader_course.py`` writes such a ``source/`` tree).

Cell tags in the source: ``setup``, ``solution``, ``check``, ``demo`` (training runs and plots,
skipped when grading), ``hidden`` (reference-only).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import jupytext
import nbformat

from graders import catalog as catalog_mod
from graders.core import load_exercise

BEGIN = re.compile(r"^(?P<indent>[ \t]*)### BEGIN SOLUTION[ \t]*(?P<hint>.*)$")
END = re.compile(r"^[ \t]*### END SOLUTION[ \t]*$")
CHECK_CALL = re.compile(r"""check\(\s*["'](?P<part>\w+)["']\s*\)""")
NBGRADER_SCHEMA = 3
TRACK_NAMES = {"numpy": "NumPy / OpenCV", "torch": "PyTorch", "tf": "TensorFlow / Keras"}


class BuildError(ValueError):
    pass


# nbgrader's default ClearSolutions.code_stub for Python: the student notebook uses the same, so
# generate_assignment on the nbgrader source reproduces course/ exactly.
CODE_STUB = ("# YOUR CODE HERE", "raise NotImplementedError()")


def strip_solutions(source: str, where: str, keep_reference: bool = False) -> str:
    """Replace every solution region with ``# <hint>`` and the stub that raises NotImplementedError.

    With ``keep_reference``, keep the reference between plain ``### BEGIN SOLUTION`` / ``### END
    SOLUTION`` lines instead (nbgrader drops the delimiter lines, so the hint goes on its own line).
    """
    out, inside = [], None
    for number, line in enumerate(source.splitlines(), 1):
        begin = BEGIN.match(line)
        if begin:
            if inside is not None:
                raise BuildError(f"{where}:{number}: nested BEGIN SOLUTION")
            indent, hint = begin["indent"], begin["hint"].strip()
            if not indent:
                raise BuildError(f"{where}:{number}: solution regions belong inside a function body, "
                                 "so the stub can raise NotImplementedError when called")
            inside = number
            if hint:
                out.append(f"{indent}# {hint}")
            out += [f"{indent}### BEGIN SOLUTION"] if keep_reference else [indent + stub for stub in CODE_STUB]
        elif END.match(line):
            if inside is None:
                raise BuildError(f"{where}:{number}: END SOLUTION without BEGIN")
            inside = None
            if keep_reference:
                out.append(line)
        elif inside is None or keep_reference:
            out.append(line)
    if inside is not None:
        raise BuildError(f"{where}:{inside}: BEGIN SOLUTION without END")
    return "\n".join(out)


def split_lesson(text: str) -> tuple[list[str], list[str]]:
    """lesson.md -> (sections before '## Follow-up questions', the follow-up sections)."""
    sections = [s.strip() for s in re.split(r"\n(?=## )", "\n" + text.strip()) if s.strip()]
    for i, s in enumerate(sections):
        if s.lower().startswith("## follow-up"):
            return sections[:i], sections[i:]
    return sections, []


def header_markdown(ex: catalog_mod.Exercise, track: str, cat: catalog_mod.Catalog) -> str:
    lines = [f"# {ex.title_en}", "",
             f"*Module `{ex.module}` · exercise `{ex.id}` · track: {TRACK_NAMES[track]}*", "",
             "**Interview questions answered here**", ""]
    for q in cat.questions_for(ex.id):
        lines.append(f"- {q.title_zh}  \n  *{q.title_en}* (seed `{q.seed[:3]}` #{q.number})")
    lines += ["", "Work through the parts in order. After each part, run its `check(...)` cell: it prints "
              "one line per check and, when one fails, what is wrong. Your final grade also runs hidden "
              "checks on other inputs, so solve the task, not the examples."]
    return "\n".join(lines)


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False, locked: bool = False,
              points: float | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": locked, "schema_version": NBGRADER_SCHEMA,
            "solution": solution, "task": False}
    if grade:
        meta["points"] = points
    return meta


def build_notebook(ex: catalog_mod.Exercise, track: str, cat: catalog_mod.Catalog,
                   nbgrader_source: bool = False) -> nbformat.NotebookNode:
    """The student notebook, or with ``nbgrader_source`` the nbgrader source it is released from."""
    src_path = ex.solution_path(track)
    source_nb = jupytext.read(src_path, fmt="py:percent")
    intro, follow_up = split_lesson(ex.lesson_path().read_text(encoding="utf-8"))
    part_points: dict[str, float] = {}
    for check in load_exercise(ex.id).checks:  # hidden ones too: nbgrader's maximum is the course's
        part_points[check.part] = part_points.get(check.part, 0.0) + check.points

    cells = [nbformat.v4.new_markdown_cell(header_markdown(ex, track, cat))]
    cells += [nbformat.v4.new_markdown_cell(s) for s in intro]
    n_solution = 0
    for cell in source_nb.cells:
        tags = list(cell.metadata.get("tags", []))
        if "hidden" in tags:
            continue
        if cell.cell_type == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(cell.source))
            continue
        text = cell.source
        new = nbformat.v4.new_code_cell(strip_solutions(text, str(src_path), nbgrader_source)
                                      if "solution" in tags else text)
        if tags:
            new.metadata["tags"] = tags
        if "setup" in tags:
            new.metadata["nbgrader"] = _nbgrader("setup", locked=True)
        elif "solution" in tags:
            n_solution += 1
            new.metadata["nbgrader"] = _nbgrader(f"answer_{n_solution}", solution=True)
        elif "check" in tags:
            parts = CHECK_CALL.findall(text)
            if len(parts) != 1 or parts[0] not in part_points:
                raise BuildError(f"{src_path}: a check cell must call check() on one part with public "
                                 f"checks, one of {sorted(part_points)}; got {parts}")
            new.metadata["nbgrader"] = _nbgrader(f"check_{parts[0]}", grade=True, locked=True,
                                                 points=part_points[parts[0]])
        cells.append(new)
    cells += [nbformat.v4.new_markdown_cell(s) for s in follow_up]
    for i, cell in enumerate(cells):
        cell["id"] = f"{ex.id}-{track}-{i:02d}"

    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
        "courseware": {"exercise": ex.id, "track": track, "module": ex.module},
    }
    return nb


def render(nb: nbformat.NotebookNode) -> str:
    nbformat.validate(nb)
    return json.dumps(nb, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def targets(cat: catalog_mod.Catalog, exercise_ids: list[str] | None = None):
    """Every ready exercise's tracks, or the named exercises' (ready or not, for authors)."""
    unknown = set(exercise_ids or ()) - set(cat.exercises)
    if unknown:
        raise BuildError(f"unknown exercise ids: {sorted(unknown)}")
    chosen = [cat.exercises[i] for i in exercise_ids] if exercise_ids else cat.ready()
    for ex in chosen:
        for track in ex.tracks:
            missing = [p for p in (ex.solution_path(track), ex.lesson_path()) if not p.is_file()]
            if missing:
                raise BuildError(f"{ex.id} [{track}] lacks {', '.join(str(p) for p in missing)}"
                                 " (`course scaffold` creates them)")
            yield ex, track


def build(exercise_ids: list[str] | None = None, check_only: bool = False) -> list[Path]:
    """Write (or, with ``check_only``, compare) every ready exercise's notebooks; return stale paths."""
    cat = catalog_mod.load()
    stale = []
    for ex, track in targets(cat, exercise_ids):
        path = ex.notebook_path(track)
        text = render(build_notebook(ex, track, cat))
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current != text:
            stale.append(path)
            if not check_only:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
    return stale
