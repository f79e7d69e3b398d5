"""environment.yml (conda, JupyterHub images) and pyproject.toml (pip) declare the same dependencies."""
import re
import tomllib

import yaml

from graders.catalog import ROOT


def normalise(spec: str) -> tuple[str, str]:
    name, version = re.match(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$", spec.split("#")[0]).groups()
    return name.lower().replace("_", "-"), version.replace(" ", "")


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_section = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    from_env = dict(normalise(s) for s in pip_section if not s.startswith("-e"))
    from_pyproject = dict(normalise(s) for s in project)
    assert from_env == from_pyproject
    assert "-e ." in pip_section, "environment.yml must install this project itself"
