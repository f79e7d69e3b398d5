"""environment.yml (conda: students, JupyterHub student images) installs pyproject.toml's dependencies
less the developers' and the student wheel, never this repository (its solutions and hidden checks)."""
import re
import tomllib

import yaml

from courseware import student_dist
from graders.catalog import ROOT


def normalise(spec: str) -> tuple[str, str]:
    name, version = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec.split("#")[0]).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def test_environment_yml_is_the_student_environment():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    *requirements, wheel = pip_section
    expected = dict(normalise(s) for s in project if normalise(s)[0] not in student_dist.DEV_ONLY)
    assert dict(normalise(s) for s in requirements) == expected
    assert expected.keys() < {normalise(s)[0] for s in project}, "DEV_ONLY names no dependency of pyproject.toml"
    # `make student-dist` writes this wheel; conda's pip runs in environment.yml's folder
    assert wheel == f"./dist/student/{student_dist.wheel_name()}"
    assert not any(s.startswith("-e") or s.strip() in (".", "./") for s in pip_section), \
        "installing the repository puts solutions/ and the hidden checks on students' machines"
