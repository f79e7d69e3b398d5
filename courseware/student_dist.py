"""``course student-dist``: what a student installs, without answers.

A wheel (``pip install`` it, or ``conda env create -f environment.yml``, which installs it) holding

* ``course_notebooks``: the student notebooks of every ready exercise; ``course-notebooks DIR``
  copies them into a working folder;
* ``graders``: the student-side library the notebooks' ``check(...)`` cells use, and
  ``graders.exercises`` with the **public** checks only: every ``@EXERCISE.check(..., hidden=True)``
  function is cut out of the source (with ``ast``), then the helpers and imports only those used;
* ``fixtures``: the seeded training fixtures, with ``data/files`` as ``fixtures/files``.

Not in it: ``solutions/``, the hidden checks, held-out data (``graders/heldout/``), the class-grading
side of ``graders`` (sandbox, workers, gradebook), ``tests/``. ``build`` checks the staged tree in a
fresh interpreter before packing it: every exercise loads, no hidden check is left, and each keeps
all of its public checks.
"""
from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from graders import catalog as catalog_mod
from graders.core import load_exercise

from .build import BuildError, targets

ROOT = catalog_mod.ROOT
DIST_NAME = "dlcv-interview-course-student"
# The class-grading side of graders/ and the tests' helpers: nothing a student's check needs.
INSTRUCTOR_ONLY = {"classroom.py", "sandbox.py", "worker.py", "remote.py", "protocol.py", "nbgrader_sync.py",
                   "feedback.py", "catalog.py", "testing.py", "test_references.py"}
GRADER_ONLY_PACKAGES = {"exercises", "heldout"}  # exercises/ is copied stripped; heldout/ never
# Needed to build, test and grade the course, not to work through it.
DEV_ONLY = {"pytest", "pytest-xdist", "torchmetrics", "pyseccomp", "playwright"}
FILES_LINE = 'FILES = Path(__file__).resolve().parent.parent / "files"'

NOTEBOOKS_INIT = '''\
"""The course's student notebooks; ``course-notebooks DIR`` copies them into DIR."""
import shutil
import sys
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parent / "notebooks"


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    target = Path(argv[0] if argv else "dlcv-course")
    for src in sorted(NOTEBOOKS.rglob("*.ipynb")):
        dest = target / src.relative_to(NOTEBOOKS)
        if dest.exists():  # never overwrite a student's work
            print(f"kept {dest}")
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, dest)
        print(f"copied {dest}")
    return 0
'''

PYPROJECT = '''\
[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "Student side of the deep learning / computer vision interview course: notebooks, public checks, fixtures"
requires-python = "{requires_python}"
dependencies = {dependencies}

[project.scripts]
course-notebooks = "course_notebooks:main"

[tool.setuptools]
packages = ["graders", "graders.exercises", "fixtures", "course_notebooks"]

[tool.setuptools.package-data]
fixtures = ["files/*"]
course_notebooks = ["notebooks/*/*.ipynb"]
'''

# Run in a fresh interpreter on the staged tree: {exercise: number of public checks}, hidden ones refused.
VERIFY = '''\
import json, sys, traceback
import graders
from graders.core import load_exercise
assert graders.__file__.startswith(sys.argv[1]), graders.__file__
counts, errors = {}, {}
for ex_id in json.loads(sys.argv[2]):
    try:
        checks = load_exercise(ex_id).checks
    except Exception as exc:  # e.g. a public check that needs grader-only code (graders.heldout)
        errors[ex_id] = traceback.format_exception_only(exc)[-1].strip()
        continue
    hidden = [c.id for c in checks if c.hidden]
    if hidden:
        errors[ex_id] = f"hidden checks left: {hidden}"
    counts[ex_id] = len(checks)
print(json.dumps({"counts": counts, "errors": errors}))
'''


def project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def requirement_name(spec: str) -> str:
    return re.match(r"\s*([A-Za-z0-9_.\-]+)", spec)[1].lower().replace("_", "-")


def student_requirements() -> list[str]:
    """pyproject.toml's dependencies less the developers' (environment.yml installs the same)."""
    return [spec for spec in project()["dependencies"] if requirement_name(spec) not in DEV_ONLY]


def wheel_name() -> str:
    return f"{DIST_NAME.replace('-', '_')}-{project()['version']}-py3-none-any.whl"


def _hidden_check(node: ast.stmt, where: str) -> bool:
    for decorator in getattr(node, "decorator_list", []):
        if isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute) and decorator.func.attr == "check":
            for keyword in decorator.keywords:
                if keyword.arg == "hidden":
                    if not (isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, bool)):
                        raise BuildError(f"{where}:{node.lineno}: write hidden=True or hidden=False, so the "
                                         "student build can tell a hidden check")
                    return keyword.value.value
    return False


def _bound_names(node: ast.stmt) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in node.names}
    return set()


def _used_names(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def strip_hidden_checks(source: str, where: str) -> str:
    """The grader module without its hidden checks, nor the helpers and imports only they used."""
    tree = ast.parse(source)
    body = [node for node in tree.body if not _hidden_check(node, where)]
    removed = [node for node in tree.body if node not in body]
    while True:  # drop what nothing left refers to, until nothing changes
        dead = []
        for node in body:
            names = _bound_names(node)
            undecorated = not getattr(node, "decorator_list", None)
            if names and undecorated and not names & set().union(*(_used_names(n) for n in body if n is not node)):
                if isinstance(node, ast.ImportFrom) and node.module == "__future__":
                    continue
                dead.append(node)
        if not dead:
            break
        body = [node for node in body if node not in dead]
        removed += dead
    lines = source.splitlines()
    drop = set()
    for node in removed:
        first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
        while first > 1 and lines[first - 2].lstrip().startswith("#"):  # its comment goes with it
            first -= 1
        drop.update(range(first, node.end_lineno + 1))
    kept = "\n".join(line for number, line in enumerate(lines, 1) if number not in drop)
    return re.sub(r"\n{4,}", "\n\n\n", kept).rstrip("\n") + "\n"


def stage(tree: Path, exercises: list[str] | None = None) -> list[str]:
    """Lay out the wheel's sources in ``tree``; return the exercise ids whose checks it ships."""
    graders = tree / "graders"
    (graders / "exercises").mkdir(parents=True)
    for path in sorted((ROOT / "graders").glob("*.py")):
        if path.name not in INSTRUCTOR_ONLY:
            shutil.copyfile(path, graders / path.name)
    cat = catalog_mod.load()
    chosen = [(ex, track) for ex, track in targets(cat) if exercises is None or ex.id in exercises]
    exercises = sorted({ex.id for ex, _ in chosen})
    shutil.copyfile(ROOT / "graders" / "exercises" / "__init__.py", graders / "exercises" / "__init__.py")
    for ex_id in exercises:
        path = ROOT / "graders" / "exercises" / f"{ex_id}.py"
        (graders / "exercises" / path.name).write_text(
            strip_hidden_checks(path.read_text(encoding="utf-8"), str(path)), encoding="utf-8")

    fixtures = tree / "fixtures"
    shutil.copytree(ROOT / "data" / "fixtures", fixtures, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "data" / "files", fixtures / "files")
    init = (fixtures / "__init__.py").read_text(encoding="utf-8")
    if FILES_LINE not in init:
        raise BuildError(f"data/fixtures/__init__.py no longer says {FILES_LINE!r}; update courseware/student_dist.py")
    (fixtures / "__init__.py").write_text(init.replace(FILES_LINE, FILES_LINE.replace(".parent.parent", ".parent")),
                                          encoding="utf-8")

    notebooks = tree / "course_notebooks"
    (notebooks / "notebooks").mkdir(parents=True)
    (notebooks / "__init__.py").write_text(NOTEBOOKS_INIT, encoding="utf-8")
    for ex, track in chosen:
        dest = notebooks / "notebooks" / ex.module / ex.notebook_path(track).name
        dest.parent.mkdir(exist_ok=True)
        shutil.copyfile(ex.notebook_path(track), dest)

    meta = project()
    (tree / "pyproject.toml").write_text(PYPROJECT.format(
        name=DIST_NAME, version=meta["version"], requires_python=meta["requires-python"],
        dependencies=json.dumps(student_requirements(), indent=4).replace("\n]", ",\n]")), encoding="utf-8")
    return exercises


def without_this_repository(tree: Path) -> tuple[list[str], dict[str, str]]:
    """(python argv, environment) that import from ``tree`` and the third-party packages only.

    ``-S`` skips the .pth files, among them the editable install's finder, which would otherwise
    serve ``graders.heldout`` and ``solutions`` from this checkout behind ``tree``'s back."""
    site_packages = [p for p in sys.path if p.endswith("-packages") and "__editable__" not in p]
    env = {"PYTHONPATH": os.pathsep.join([str(tree), *site_packages]), "PATH": "/usr/bin:/bin",
           "OMP_NUM_THREADS": "1", "HOME": str(tree), "MPLBACKEND": "Agg"}
    return [sys.executable, "-S"], env


def verify(tree: Path, exercises: list[str]) -> None:
    """Every exercise loads from the staged tree alone, with exactly its public checks."""
    python, env = without_this_repository(tree)
    result = subprocess.run([*python, "-c", VERIFY, str(tree), json.dumps(exercises)], cwd=tree, env=env,
                            capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise BuildError(f"the student build does not load:\n{result.stderr[-3000:]}")
    shipped = json.loads(result.stdout.strip().splitlines()[-1])
    problems = [f"{ex_id}: {why}" for ex_id, why in shipped["errors"].items()]
    for ex_id, count in shipped["counts"].items():
        public = sum(not c.hidden for c in load_exercise(ex_id).checks)
        if count != public:
            problems.append(f"{ex_id}: the student build has {count} checks, the grader {public} public ones")
    if problems:
        raise BuildError("the student build would break these public self-checks (a public check must not "
                         "need a hidden check's helpers or graders.heldout):\n  " + "\n  ".join(problems))


def build(out: Path, exercises: list[str] | None = None) -> Path:
    """Stage, verify and pack the student wheel into ``out``; return the wheel's path.

    ``exercises``: only these (default: every ready exercise)."""
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="student-dist-") as tmp:
        tree = Path(tmp) / "src"
        verify(tree, stage(tree, exercises))
        wheel = out / wheel_name()
        wheel.unlink(missing_ok=True)
        packed = subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                                 "--no-index", "--wheel-dir", str(out), str(tree)], cwd=tmp, capture_output=True, text=True)
        if packed.returncode != 0:
            raise BuildError(f"pip wheel failed:\n{packed.stdout}{packed.stderr}")
    if not wheel.is_file():
        raise BuildError(f"pip wheel did not write {wheel}")
    return wheel
