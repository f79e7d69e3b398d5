"""Class layout rules of grade-class (graders.classroom): what counts as a student's submission, and
names, links, special files and time used as attacks.

Two classes in nbgrader's layout are graded: an honest one (a complete and a blank notebook) and
the same with attackers added. Each attacker must score no more than the blank notebook, and the
honest students' results must be the same in both runs.
"""
from __future__ import annotations

import base64
import csv
import json
import os
import re
import shutil
from pathlib import Path

import nbformat
import markupsafe
import pytest

from graders import classroom, feedback, sandbox

CORPORA = Path(__file__).parent / "corpora"
NB = "histogram_equalization_numpy.ipynb"
COMPLETE = CORPORA / "good" / "good_student_1" / NB
BLANK = CORPORA / "good" / "blank_student" / NB
ENDLESS = CORPORA / "crash" / "infinite_loop" / NB
MODULE = "m01_image_basics"  # the module that releases NB
SALT = "layout-salt"
LIMITS = sandbox.Limits(wall_s=20, check_s=8, load_s=3, memory_mb=1024)
STUDENT_WALL = 5.0           # a little more than one endless notebook (LIMITS.load_s)
MAX_BYTES = 64 * 2**10       # the corpus notebooks are ~9 KB
SECRET = "TOP-SECRET-MARKER-7f3a"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def put(course: Path, rel: str, source: Path | bytes) -> Path:
    path = course / "submitted" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(source, bytes):
        path.write_bytes(source)
    else:
        shutil.copy(source, path)
    return path


def with_png(source: Path, padding: int) -> bytes:
    """The notebook with a saved PNG output (``padding`` bytes of it), as a student's plot would be."""
    nb = nbformat.read(source, as_version=4)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * padding
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.outputs = [nbformat.v4.new_output("display_data", data={"image/png": base64.b64encode(png).decode()})]
    return nbformat.writes(nb).encode()


def honest_class(course: Path) -> None:
    put(course, f"good/{MODULE}/{NB}", with_png(COMPLETE, 200))
    put(course, f"blank/{MODULE}/{NB}", BLANK)


def attack_class(course: Path, tmp: Path) -> None:
    honest_class(course)
    # extra notebooks, whatever their name or metadata, in the real assignment and a sub-folder of it
    put(course, f"extra/{MODULE}/{NB}", BLANK)
    put(course, f"extra/{MODULE}/histogram_equalization_numpy_v2.ipynb", COMPLETE)
    put(course, f"extra/{MODULE}/solution.ipynb", COMPLETE)
    put(course, f"extra/{MODULE}/sub/{NB}", COMPLETE)
    put(course, f"extra/{NB}", COMPLETE)
    put(course, "extra/" + "/".join(["deep"] * 200) + f"/{NB}", COMPLETE)  # never searched
    # complete copies in other assignments: one that does not release it, a made-up one, and the
    # exercise's own name (which the catalog's names release too)
    put(course, f"two_copies/{MODULE}/{NB}", BLANK)
    put(course, f"two_copies/m02_recognition/{NB}", COMPLETE)
    put(course, f"two_copies/madeup/{NB}", COMPLETE)
    put(course, f"two_copies/histogram_equalization/{NB}", COMPLETE)
    # names: a formula, terminal escapes, an output's name (as a notebook and as an assignment)
    put(course, f"names/{MODULE}/{NB}", BLANK)
    put(course, f'names/{MODULE}/=HYPERLINK("evil.example","x").ipynb', COMPLETE)
    put(course, f"names/{MODULE}/\x1b[2J\x1b[31mred.ipynb", COMPLETE)
    put(course, f"names/{MODULE}/gradebook.csv.ipynb", COMPLETE)
    put(course, f"names/feedback.html/{NB}", COMPLETE)
    # endless notebooks in an assignment whose source/ releases four of them
    for i in range(4):
        (course / "source" / "loops").mkdir(parents=True, exist_ok=True)
        shutil.copy(BLANK, course / "source" / "loops" / f"loop{i}.ipynb")
        put(course, f"endless/loops/loop{i}.ipynb", ENDLESS)
    # a notebook over the size limit, with a plot the feedback would show if it parsed it again
    put(course, f"oversize/{MODULE}/{NB}", with_png(BLANK, 2 * MAX_BYTES))
    # links and special files
    secret = tmp / "secret.txt"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    put(course, f"linker/{MODULE}/.keep", b"")
    os.symlink(course / "submitted" / "good" / MODULE / NB, course / "submitted" / "linker" / MODULE / NB)
    put(course, f"secret_reader/{MODULE}/.keep", b"")
    os.symlink(secret, course / "submitted" / "secret_reader" / MODULE / NB)
    (course / "submitted" / "linked_assignment").mkdir()
    os.symlink(course / "submitted" / "good" / MODULE, course / "submitted" / "linked_assignment" / MODULE)
    os.symlink(course / "submitted" / "good", course / "submitted" / "mirror")
    put(course, f"fifo/{MODULE}/.keep", b"")
    os.mkfifo(course / "submitted" / "fifo" / MODULE / NB)
    os.mkfifo(course / "submitted" / "fifo" / MODULE / "notes")


def by_key(results: list[dict]) -> dict[tuple[str, str, str], dict]:
    return {(r["student"], r["assignment"], r["notebook"]): r for r in results}


def counted_total(results: list[dict], student: str) -> tuple[float, float]:
    mine = [r for r in results if r["student"] == student and classroom.counted(r)]
    return sum(r["score"] for r in mine), sum(r["max_score"] for r in mine)


def same_result(a: dict, b: dict) -> bool:
    return ((a["status"], a["score"], a["max_score"], [c["passed"] for c in a["checks"]])
            == (b["status"], b["score"], b["max_score"], [c["passed"] for c in b["checks"]]))


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("layout")
    honest, attacked = tmp / "honest", tmp / "attacked"
    honest_class(honest)
    attack_class(attacked, tmp)
    reads: list[str] = []
    real_read = classroom.read_bytes

    def spy(path, limit=None):
        reads.append(str(path))
        return real_read(path, limit)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(classroom, "MAX_NOTEBOOK_BYTES", MAX_BYTES)
        mp.setattr(classroom, "read_bytes", spy)
        mp.setattr(feedback, "read_bytes", spy)
        kwargs = dict(jobs=2, limits=LIMITS, quiet=True, salt=SALT, student_wall_s=STUDENT_WALL)
        baseline = classroom.grade_class(honest, tmp / "honest_out", **kwargs)
        results = classroom.grade_class(attacked, tmp / "out", **kwargs)
    return {"baseline": baseline, "results": results, "out": tmp / "out", "course": attacked, "reads": reads}


def test_honest_students_are_unaffected_by_the_attackers(graded):
    base, attacked = by_key(graded["baseline"]), by_key(graded["results"])
    assert base[("good", MODULE, NB[:-6])]["score"] == base[("good", MODULE, NB[:-6])]["max_score"] > 0
    for key, result in base.items():
        assert same_result(attacked[key], result), key
    assert {r["student"] for r in graded["baseline"]} == {"good", "blank"}


@pytest.mark.parametrize("student", ["extra", "two_copies", "names", "endless", "oversize", "linker",
                                     "secret_reader", "fifo"])
def test_attacker_scores_no_more_than_a_blank_notebook(graded, student):
    blank = counted_total(graded["results"], "blank")
    score, maximum = counted_total(graded["results"], student)
    assert score <= blank[0], [(r["assignment"], r["notebook"], r["status"], r["score"])
                               for r in graded["results"] if r["student"] == student]
    if student in ("extra", "two_copies", "names", "oversize", "linker", "secret_reader", "fifo"):
        assert maximum == blank[1]  # one released notebook, whatever else was handed in


def test_extra_notebooks_are_reported_unexpected_and_never_run(graded):
    mine = {(r["assignment"], r["notebook"]): r for r in graded["results"] if r["student"] == "extra"}
    assert set(mine) == {(MODULE, NB[:-6]), (MODULE, "histogram_equalization_numpy_v2"), (MODULE, "solution"),
                         (MODULE, f"sub/{NB[:-6]}"), ("", NB[:-6])}
    for key, r in mine.items():
        if key != (MODULE, NB[:-6]):
            assert r["status"] == "unexpected" and "not released" in r["reason"], (key, r["reason"])
            assert r["checks"] == [] and r["score"] == r["max_score"] == 0 and r["seconds"] == 0
    with open(graded["out"] / "gradebook.csv", newline="") as f:
        rows = {row["student"]: row for row in csv.DictReader(f)}
    assert f"{MODULE}/{NB[:-6]}" in rows["extra"] and "solution" not in ",".join(rows["extra"])
    assert "unexpected" in rows["extra"]["statuses"] and float(rows["extra"]["max"]) == 13


def test_copies_in_other_assignments_are_reported_and_only_the_released_one_counts(graded):
    mine = {r["assignment"]: r for r in graded["results"] if r["student"] == "two_copies"}
    assert set(mine) == {MODULE, "m02_recognition", "madeup", "histogram_equalization"}
    assert mine[MODULE]["status"] == "ok" and mine[MODULE]["score"] == 0 and mine[MODULE]["max_score"] == 13
    assert mine["m02_recognition"]["status"] == mine["madeup"]["status"] == "unexpected"
    # the exercise's own name releases it too: graded, but only the lower-scoring copy counts
    copy = mine["histogram_equalization"]
    assert copy["status"] == "unexpected" and "second copy" in copy["reason"] and copy["score"] == 13
    out = graded["out"]
    for assignment in mine:  # the JSON path says the assignment
        assert classroom.result_path(out, "two_copies", assignment, NB[:-6]).is_file()


def test_names_are_data(graded):
    out = graded["out"]
    assert (out / "gradebook.csv").is_file() and (out / "names" / "feedback.html").is_file()
    for name in ("gradebook.csv", "checks.csv"):
        with open(out / name, newline="") as f:
            cells = [cell for row in csv.reader(f) for cell in row]
        assert not [c for c in cells if c.startswith(FORMULA_START)], name
        assert not [c for c in cells if "\x1b" in c], name
    for path in out.rglob("*"):
        assert "\x1b" not in path.name and "=" not in path.name and "." not in path.name.rsplit(".", 1)[0]
        if path.is_file():
            assert b"\x1b" not in path.read_bytes(), path
    table = classroom.summary_table(graded["results"])
    assert "\x1b" not in table and "unexpected" in table
    page = (out / "names" / "feedback.html").read_text()  # named in the feedback, as escaped text
    assert str(markupsafe.escape('=HYPERLINK("evil.example","x")')) in page and "[2J[31mred" in page


@pytest.mark.parametrize("name", ["gradebook.csv", "checks.csv", "run.json", "feedback.html", ".", "..", ".work",
                                  "a.b", "a%2Eb", "a~b", "x" * 255, "x" * 254 + "y", "\x1b[31m", "é", "\udcff",
                                  "a/b", "%"])
def test_safe_name_is_one_harmless_component(name):
    safe = classroom.safe_name(name)
    assert "." not in safe and "/" not in safe and len(safe.encode()) <= 120
    assert safe.isprintable() and (safe == name) == bool(re.fullmatch(r"[A-Za-z0-9_-]{1,120}", name))


def test_safe_name_is_injective():
    names = ["a.b", "a%2Eb", "a_b", "a-b", "a b", "A.b", "x" * 300, "x" * 299 + "y", "x" * 80 + "~",
             "\x1b", "\udcff", "\udcfe", "é", "e\u0301", "gradebook.csv", "gradebook%2Ecsv"]
    assert len({classroom.safe_name(n) for n in names}) == len(names)


@pytest.mark.parametrize("text", ['=HYPERLINK("http://x")', "+1", "-1+2", "@SUM(A1)", "\tx", "\rx",
                                  "\x1b=cmd", "\u202e=x"])
def test_csv_cells_never_start_a_formula(text):
    cell = classroom.csv_cell(text)
    assert not cell.startswith(FORMULA_START) and "\x1b" not in cell and "\u202e" not in cell
    assert cell.lstrip("'").strip() == classroom.clean(text, newlines=True).strip()


def test_endless_notebooks_stop_at_the_per_student_cap(graded):
    mine = sorted((r for r in graded["results"] if r["student"] == "endless"), key=lambda r: r["notebook"])
    assert [r["status"] for r in mine] == ["timeout"] * 4
    capped = [r for r in mine if "--student-wall" in r["reason"]]
    assert capped and all(r["seconds"] == 0 and r["checks"] == [] for r in capped)
    assert capped[-1] is mine[-1] and f"{STUDENT_WALL:g} s" in capped[0]["reason"]
    assert sum(r["seconds"] for r in mine) <= STUDENT_WALL + LIMITS.wall_s


def test_an_invalid_notebook_is_read_once(graded):
    out, reads = graded["out"], graded["reads"]
    [r] = [r for r in graded["results"] if r["student"] == "oversize"]
    assert r["status"] == "invalid" and "more than" in r["reason"] and r["max_score"] == 13
    assert reads.count(r["path"]) == 1 and "<img" not in (out / "oversize" / "feedback.html").read_text()
    # a readable notebook's plots are read again for the feedback (so the count above can see it)
    good = next(r for r in graded["results"] if r["student"] == "good")
    assert reads.count(good["path"]) == 2 and "<img" in (out / "good" / "feedback.html").read_text()


def test_links_and_special_files_are_refused_never_followed(graded):
    results, out = graded["results"], graded["out"]
    for student, why in (("linker", "symbolic link"), ("secret_reader", "symbolic link"), ("fifo", "a fifo")):
        [r] = [r for r in results if r["student"] == student]
        assert r["status"] == "invalid" and why in r["reason"] and r["score"] == 0, r
    assert not {"linked_assignment", "mirror"} & {r["student"] for r in results}
    refused = {entry["path"] for entry in json.loads((out / "run.json").read_text())["refused"]}
    assert {f"linked_assignment/{MODULE}", "mirror", f"fifo/{MODULE}/notes"} <= refused
    assert any(path.startswith("extra/deep/deep/") for path in refused)  # nesting has an end
    for path in out.rglob("*"):
        assert not path.is_file() or SECRET.encode() not in path.read_bytes(), path
    submitted = graded["course"] / "submitted"
    assert not [p for p in graded["reads"] if Path(p).parent.parent.name in ("linked_assignment", "mirror")
                or str(submitted / "mirror") in p]


def test_regrading_one_student_leaves_the_gradebook_as_it_was(graded, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(graded["out"], out)
    before = (out / "gradebook.csv").read_text()
    classroom.grade_class(graded["course"], out, jobs=1, limits=LIMITS, quiet=True, salt=SALT,
                          students=["extra"], student_wall_s=STUDENT_WALL)
    assert (out / "gradebook.csv").read_text() == before


def test_release_rules(tmp_path):
    course = tmp_path / "course"
    (course / "release" / "hw1").mkdir(parents=True)
    (course / "release" / "hw1" / "intro.ipynb").write_text("{}")
    for rel in (f"ann/hw1/intro.ipynb", f"ann/hw1/{NB}", f"ann/{MODULE}/{NB}", f"ann/histogram_equalization/{NB}",
                f"ann/m02_recognition/{NB}", f"ann/hw2/{NB}", "loose.ipynb", f"ann/{MODULE}/.ipynb_checkpoints/{NB}"):
        put(course, rel, b"{}")
    survey = classroom.scan(course)
    assert survey.layout == "nbgrader" and survey.refused == [("loose.ipynb", survey.refused[0][1])]
    released = {(t.assignment, t.notebook): not t.unexpected for t in survey.tasks}
    assert released == {("hw1", "intro"): True, ("hw1", NB[:-6]): False, (MODULE, NB[:-6]): True,
                        ("histogram_equalization", NB[:-6]): True, ("m02_recognition", NB[:-6]): False,
                        ("hw2", NB[:-6]): False}
    assert classroom.scan(course / "submitted").tasks == survey.tasks
    # <student>/<notebook>: every catalog notebook name is released, nothing else
    flat = tmp_path / "students"
    for rel in (f"bo/{NB}", "bo/cnn_classification_torch.ipynb", "bo/notes.ipynb", f"bo/{MODULE}/{NB}"):
        (flat / rel).parent.mkdir(parents=True, exist_ok=True)
        (flat / rel).write_text("{}")
    survey = classroom.scan(flat)
    assert survey.layout == "student"
    assert {t.notebook: not t.unexpected for t in survey.tasks} == {
        NB[:-6]: True, "cnn_classification_torch": True, "notes": False, f"{MODULE}/{NB[:-6]}": False}


def test_flat_layout_with_hostile_names(tmp_path, capsys, monkeypatch, graded):
    """A flat folder: a file named like an output, a formula and terminal escapes grade like any other."""
    monkeypatch.setenv("COURSE_GRADING_SALT", SALT)
    flat = tmp_path / "flat"
    flat.mkdir()
    hostile = ["gradebook.csv", "run.json", "=cmd|' -C calc'!A0", "\x1b]0;pwned\x07\x1b[2Jesc"]
    for name in hostile:
        shutil.copy(BLANK, flat / f"{name}.ipynb")
    shutil.copy(COMPLETE, flat / "honest.ipynb")
    out = tmp_path / "out"
    assert classroom.main([str(flat), "--out", str(out), "--jobs", "2", "--wall", "20", "--no-html"]) == 0
    printed = capsys.readouterr()
    assert "\x1b" not in printed.out + printed.err and "\x07" not in printed.out + printed.err
    assert (out / "gradebook.csv").is_file() and (out / "run.json").is_file()
    with open(out / "gradebook.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert len(rows) == 1 + len(hostile) + 1
    assert not [c for row in rows for c in row if c.startswith(FORMULA_START) or "\x1b" in c]
    results = by_key(json.loads(p.read_text()) for p in out.glob("*/*.json"))
    assert {s for s, _, _ in results} == set(hostile) | {"honest"}
    assert all(r["status"] == "ok" and r["score"] == 0 for (s, _, _), r in results.items() if s != "honest")
    good = by_key(graded["baseline"])[("good", MODULE, NB[:-6])]
    assert same_result(results[("honest", "", "honest")], good)
