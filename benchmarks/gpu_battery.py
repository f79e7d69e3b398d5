"""``make test-gpu``: the PyTorch track's test battery on a CUDA device, then its grading-time table.

First runs, for every selected exercise's torch track, what ``make test`` runs for it: the reference
scores full marks, the student stub zero, every mutant is caught, every alternative passes, and the
reference passes under the five seed salts. Then grades each torch reference ``--repeat`` times as
``course time`` does (fresh grading each time, framework imports excluded) and prints the medians as
a table for README. ``COURSE_EXERCISES`` selects exercises as in the tests.

It needs no venv and no TensorFlow: a python with PyTorch, the packages the graders import (numpy,
scipy, opencv, scikit-image, scikit-learn, pyyaml, matplotlib), pytest, pytest-xdist, nbformat and
jupytext. It refuses to run without a CUDA device; ``GPU_REQUIRED=0`` runs it on the CPU (to test it).

    python benchmarks/gpu_battery.py [--repeat 5] [--timing-json PATH] [pytest arguments, e.g. -n 12]

A machine with PyTorch but no network gets nbformat and jupytext as wheels (`pip download --no-deps
--only-binary=:all: --python-version <its version> -d .whl ...`, then `pip install --no-index --no-deps
--target /tmp/site .whl/*.whl` and PYTHONPATH=/tmp/site there): nbformat, jupytext, fastjsonschema,
jsonschema, jsonschema-specifications, referencing, rpds-py, jupyter_core, traitlets, platformdirs,
mdit-py-plugins, markdown-it-py, mdurl (attrs, pyyaml, packaging and typing_extensions it usually has).
"""
from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Without `pip install -e .`: the packages live in the checkout, `fixtures` in data/.
IMPORT_PATHS = [str(ROOT), str(ROOT / "data")]
sys.path[:0] = IMPORT_PATHS
# One compute thread, as in a grading worker (graders.worker --threads 1) and in `make test`.
os.environ.setdefault("OMP_NUM_THREADS", "1")

# Test ids end in "-torch]" (references, stubs, mutants, alternatives) or hold "-torch-seed" (salts);
# a plain "-k torch" would also pick the tf track of a mutant named like shuffle_torch_channel_order_tf.
TORCH_TRACK = "-torch] or -torch-seed"
TESTS = ["graders/test_references.py", "tests/test_graders.py"]


def describe_device(torch) -> str:
    if torch.cuda.is_available():
        return torch.cuda.get_device_name(0)
    return f"CPU ({os.cpu_count()} cores)"


# Class grading forks each worker from a server that preloaded PyTorch (graders.worker) and confines it
# (graders.sandbox: an allowlist view with /dev/nvidia*, no capabilities, seccomp); CUDA does not
# survive a fork once initialised, so the server must leave it alone and a confined worker must reach it.
SANDBOX_PROBE = """
import json, sys, tempfile
from pathlib import Path
from graders import remote, sandbox
from graders.submission import CodeCell
CELL = (
    "import torch\\n"
    "def cuda_in_worker():\\n"
    "    x = torch.ones(64, 64, device='cuda')\\n"
    "    return [torch.cuda.get_device_name(0), float((x @ x).sum().item())]\\n"
)
pool = remote.WorkerPool({"torch"}, 1, sandbox.Limits(), Path(tempfile.mkdtemp()))
ok = False
try:
    print("sandbox:", json.dumps(pool.mechanisms.to_dict()), flush=True)
    sub = remote.RemoteSubmission(pool, 0, "torch", [CodeCell(CELL)], "cuda-probe")
    try:
        name, total = sub.call("cuda_in_worker")
        print(f"confined worker: {name}, {total:g}", flush=True)
        ok = total == 64 * 64 * 64
    except Exception as exc:
        print(f"confined worker failed: {exc}; output: {sub.output()}", flush=True)
    sub.close()
finally:
    pool.close()
sys.exit(0 if ok else 1)
"""


def subprocess_env() -> dict:
    return dict(os.environ, PYTHONPATH=os.pathsep.join(IMPORT_PATHS + [os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep))


def check_fork_server() -> bool:
    ok = subprocess.call([sys.executable, "-c", SANDBOX_PROBE], cwd=ROOT, env=subprocess_env()) == 0
    print(f"class grading: a confined worker forked from the warm server {'uses' if ok else 'CANNOT use'} CUDA",
          flush=True)
    return ok


def run_battery(pytest_args: list[str]) -> int:
    command = [sys.executable, "-m", "pytest", *TESTS, "-k", TORCH_TRACK, "-m", "", *pytest_args]
    print("$", shlex.join(command), flush=True)
    return subprocess.call(command, cwd=ROOT, env=subprocess_env())


def time_torch_references(repeat: int) -> list[dict]:
    from courseware.timing import time_exercises
    from graders.testing import selected_exercises

    rows = []
    for ex in selected_exercises():
        if "torch" not in ex.tracks:
            continue
        try:
            [(_, _, median, runs)] = time_exercises([ex.id], repeat, tracks={"torch"})
            rows.append({"exercise": ex.id, "median_s": round(median, 3), "runs_s": [round(r, 3) for r in runs]})
        except RuntimeError as exc:  # the reference failed: no figure for it, and the run fails
            print(exc, flush=True)
            rows.append({"exercise": ex.id, "median_s": None, "runs_s": []})
    return rows


def print_table(rows: list[dict], device: str, repeat: int) -> None:
    print(f"\nMedian grading time of each PyTorch reference on {device}, {repeat} runs, imports excluded:\n")
    print(f"| exercise | PyTorch, {device} |")
    print("|---|---|")
    for row in rows:
        figure = f"{row['median_s']:.2f} s" if row["median_s"] is not None else "reference failed"
        print(f"| `{row['exercise']}` | {figure} |")
    print(flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                     allow_abbrev=False)  # pytest options must not pass for abbreviations of ours
    parser.add_argument("--repeat", type=int, default=5, help="gradings per reference for the timing (default: 5)")
    parser.add_argument("--timing-json", help="also write the timings, raw runs included, to this file")
    args, pytest_args = parser.parse_known_args(argv)

    import torch

    if not torch.cuda.is_available() and os.environ.get("GPU_REQUIRED", "1") != "0":
        print("make test-gpu: PyTorch sees no CUDA device (torch.cuda.is_available() is False; torch "
              f"{torch.__version__}, built for CUDA {torch.version.cuda}). Run it on a machine with an NVIDIA "
              "GPU and a CUDA build of PyTorch (check `nvidia-smi`, CUDA_VISIBLE_DEVICES), or set "
              "GPU_REQUIRED=0 to run it on the CPU.", file=sys.stderr)
        return 2
    device = describe_device(torch)
    print(f"device: {device}; torch {torch.__version__}, CUDA {torch.version.cuda}, "
          f"cuDNN {torch.backends.cudnn.version()}, Python {platform.python_version()}", flush=True)

    fork_ok = check_fork_server() if torch.cuda.is_available() else True
    battery = run_battery(pytest_args)
    rows = time_torch_references(args.repeat)
    print_table(rows, device, args.repeat)
    if args.timing_json:
        record = {"device": device, "torch": torch.__version__, "cuda": torch.version.cuda,
                  "date": datetime.date.today().isoformat(), "repeat": args.repeat, "references": rows}
        Path(args.timing_json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.timing_json).write_text(json.dumps(record, indent=1) + "\n")
    if battery != 0:
        print(f"make test-gpu: the torch-track battery FAILED (pytest exit status {battery})", file=sys.stderr)
        return battery
    if any(r["median_s"] is None for r in rows) or not fork_ok:
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
