"""The students' wheel (`course student-dist`): notebooks, public checks and fixtures, and no answers."""
import json
import subprocess
import zipfile

import pytest

from courseware import student_dist
from courseware.build import BEGIN, END, build_notebook
from graders import catalog
from graders.core import load_exercise

# One NumPy exercise in full and the first part of a PyTorch one keep this fast.
NOTEBOOKS = {("histogram_equalization", "numpy"): None, ("object_detection", "torch"): 1}

SELF_CHECK = '''\
import json, sys
from pathlib import Path
site, work, answers = Path(sys.argv[1]), Path(sys.argv[2]), json.loads(Path(sys.argv[3]).read_text())
import graders, fixtures
assert graders.__file__.startswith(str(site)) and fixtures.FILES.is_dir(), (graders.__file__, fixtures.FILES)
for grader_only in ("graders.heldout", "graders.classroom", "solutions", "tests"):
    try:
        __import__(grader_only)
    except ImportError:
        continue
    raise AssertionError(f"{grader_only} is importable")
import course_notebooks
course_notebooks.main([str(work)])
from graders.notebook import SelfCheckFailed
for name, (parts, codes) in answers.items():
    nb = json.loads(next(work.rglob(name)).read_text())
    for answer in (False, True):
        ns, n_answer, n_check = {}, 0, 0
        for cell in nb["cells"]:
            tags = cell["metadata"].get("tags", [])
            if cell["cell_type"] != "code" or "demo" in tags:
                continue
            if "solution" in tags:
                n_answer += 1
                code = codes[n_answer - 1] if answer and n_answer <= parts else cell["source"]
            else:
                code = "".join(cell["source"])
            if "check" in tags:
                n_check += 1
                if n_check > parts:
                    break
                if not answer:  # the stub as shipped fails its first self-check
                    try:
                        exec(code, ns)
                    except SelfCheckFailed:
                        print(f"{name}: stub fails its self-check")
                        break
                    raise AssertionError(f"{name}: the stub passed {code!r}")
            exec(code, ns)
    print(f"{name}: {parts} parts pass")
'''


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    exercises = sorted({ex for ex, _ in NOTEBOOKS})
    return student_dist.build(tmp_path_factory.mktemp("dist"), exercises)


def reference_answers(exercise: str, track: str) -> list[str]:
    """The reference's answer cells, as a student who solved them would hand in."""
    nb = build_notebook(catalog.load().exercises[exercise], track, catalog.load(), nbgrader_source=True)
    return ["\n".join(line for line in cell.source.splitlines() if not (BEGIN.match(line) or END.match(line)))
            for cell in nb.cells if cell.metadata.get("nbgrader", {}).get("solution")]


def answer_lines(exercise: str, track: str) -> list[str]:
    """The lines between BEGIN and END SOLUTION of the reference that are long enough to be telling."""
    lines, inside = [], False
    for line in catalog.load().exercises[exercise].solution_path(track).read_text(encoding="utf-8").splitlines():
        if BEGIN.match(line) or END.match(line):
            inside = bool(BEGIN.match(line))
        elif inside and len(line.strip()) > 24 and not line.strip().startswith("#"):
            lines.append(line.strip())
    assert lines
    return lines


def test_the_wheel_holds_no_answers_nor_hidden_checks(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        texts = {n: z.read(n).decode("utf-8", "replace") for n in names if not n.endswith(".npz")}
    assert {n.split("/")[0] for n in names} == {"graders", "fixtures", "course_notebooks",
                                                wheel.name.split("-py3")[0] + ".dist-info"}
    for absent in ("solutions/", "tests/", "graders/heldout/", "graders/classroom.py", "graders/sandbox.py",
                   "graders/testing.py", "graders/test_references.py", "graders/catalog.py"):
        assert not any(n.startswith(absent) for n in names), absent
    cat = catalog.load()
    for exercise, track in NOTEBOOKS:
        ex = cat.exercises[exercise]
        shipped = texts[f"course_notebooks/notebooks/{ex.module}/{ex.notebook_path(track).name}"]
        assert shipped == ex.notebook_path(track).read_text(encoding="utf-8")
        grader = texts[f"graders/exercises/{exercise}.py"]
        assert "hidden=True" not in grader
        hidden = [c.name for c in load_exercise(exercise).checks if c.hidden]
        assert hidden and not any(f"def {name}(" in grader for name in hidden)
    # No line of the reference answer (short ones like `return x` aside) is anywhere in the wheel. Only
    # for histogram_equalization: other public checks compute their expected values with grader-side
    # code the student can read (graders.metrics' IoU, object_detection's nms_reference).
    for line in answer_lines("histogram_equalization", "numpy"):
        assert not any(line in t for t in texts.values()), line
    assert "fixtures/files/digit_judge.npz" in names
    metadata = texts[next(n for n in names if n.endswith("METADATA"))]
    assert "Requires-Dist: pytest" not in metadata and "Requires-Dist: numpy" in metadata


def test_public_self_checks_work_from_the_installed_wheel(wheel, tmp_path):
    site = tmp_path / "site"
    pip = subprocess.run([student_dist.sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                          "--target", str(site), str(wheel)], capture_output=True, text=True)
    assert pip.returncode == 0, pip.stderr
    answers = {}
    for (exercise, track), parts in NOTEBOOKS.items():
        codes = reference_answers(exercise, track)
        answers[f"{exercise}_{track}.ipynb"] = (parts or len(codes), codes)
    (tmp_path / "answers.json").write_text(json.dumps(answers))
    python, env = student_dist.without_this_repository(site)
    result = subprocess.run([*python, "-c", SELF_CHECK, str(site), str(tmp_path / "work"), str(tmp_path / "answers.json")],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    for name, (parts, _) in answers.items():
        assert f"{name}: stub fails its self-check" in result.stdout
        assert f"{name}: {parts} parts pass" in result.stdout
    assert result.stdout.count("checks of '") == sum(parts for parts, _ in answers.values())


def test_every_ready_exercise_ships_its_public_checks(tmp_path):
    """The whole build: each public check loads without graders.heldout and the hidden checks."""
    assert student_dist.build(tmp_path).is_file()
