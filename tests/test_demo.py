"""`make demo`'s job: the demo class grades, with the scores its three students should get."""
import csv
import json

from courseware.demo import run_demo


def test_demo_class_grades_as_expected(tmp_path, capsys):
    assert run_demo(str(tmp_path)) == 0
    out = capsys.readouterr().out
    assert "alice" in out and "gradebook.csv" in out
    with open(tmp_path / "gradebook.csv", newline="") as f:
        rows = {r["student"]: r for r in csv.DictReader(f)}
    alice, bob, carol = (float(rows[s]["total"]) for s in ("alice", "bob", "carol"))
    maximum = float(rows["alice"]["max"])
    assert alice == maximum > 0          # complete, correct notebooks
    assert 0 < bob < alice               # first part of each notebook only
    assert carol < alice                 # a syntax error and a crash cost her the parts they hit
    for result in tmp_path.glob("carol/*.json"):
        errors = json.loads(result.read_text())["load_errors"]
        assert any("SyntaxError" in e for e in errors) and any("RuntimeError" in e for e in errors)
    assert len(list(tmp_path.glob("*/*.json"))) == 3 * (len(rows["alice"]) - 3)
