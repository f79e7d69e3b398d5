"""Grade a class of 30 submissions with grade-class and with ``nbgrader autograde``, side by side.

    .venv/bin/python benchmarks/grading_speed.py [--repeat 3] [--students 10] [--out benchmarks/results]

The class: ``--students`` students, each handing in three exemplar notebooks (histogram_equalization
numpy, cnn_classification PyTorch, denoising_autoencoder TF/Keras), complete, partial or broken in
turn (courseware.demo's alice, bob and carol variants). Both tools grade the same files in an
nbgrader course directory on this machine:

* nbgrader: ``nbgrader autograde <assignment>`` for the three assignments (one kernel per notebook,
  every cell run, as nbgrader does);
* grade-class: ``grade-class <course> --jobs <cores>`` (warm fork server, isolated workers, public
  and hidden checks), the whole command timed, start-up included.

It also measures the per-submission overhead of isolation: ``grade-class --jobs 1`` minus its
warm-up, minus grading the same notebooks one after the other in one process that has imported
the frameworks already, divided by the number of submissions. Medians over ``--repeat`` runs;
writes ``<out>/grading_speed.json`` and prints a Markdown table for the README.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from courseware.build import render  # noqa: E402
from courseware.demo import submission_notebook  # noqa: E402
from graders import catalog as catalog_mod  # noqa: E402

NOTEBOOKS = [("histogram_equalization", "numpy"), ("cnn_classification", "torch"), ("denoising_autoencoder", "tf")]
VARIANTS = ("alice", "bob", "carol")  # complete, partial, broken


def bin_path(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def make_course(course: Path, n_students: int) -> int:
    cat = catalog_mod.load()
    course.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text('c = get_config()\nc.CourseDirectory.course_id = "bench"\n')
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    count = 0
    for ex_id, track in NOTEBOOKS:
        ex = cat.exercises[ex_id]
        source = course / "source" / ex.module
        source.mkdir(parents=True, exist_ok=True)
        shutil.copy(ex.notebook_path(track), source)
        subprocess.run([bin_path("nbgrader"), "db", "assignment", "add", ex.module], cwd=course, env=env,
                       check=True, capture_output=True)
        subprocess.run([bin_path("nbgrader"), "generate_assignment", ex.module, "--force"], cwd=course, env=env,
                       check=True, capture_output=True)
        for i in range(n_students):
            student = f"s{i + 1:02d}"
            target = course / "submitted" / student / ex.module / f"{ex.id}_{track}.ipynb"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(render(submission_notebook(VARIANTS[i % 3], ex, track)), encoding="utf-8")
            count += 1
    return count


def time_command(cmd: list[str], cwd: Path) -> float:
    env = dict(os.environ, PATH=str(Path(sys.executable).parent) + os.pathsep + os.environ["PATH"])
    start = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds


def nbgrader_autograde(course: Path) -> float:
    shutil.rmtree(course / "autograded", ignore_errors=True)
    modules = sorted({catalog_mod.load().exercises[e].module for e, _ in NOTEBOOKS})
    return sum(time_command([bin_path("nbgrader"), "autograde", m, "--force"], course) for m in modules)


def grade_class(course: Path, out: Path, jobs: int) -> tuple[float, float]:
    shutil.rmtree(out, ignore_errors=True)
    seconds = time_command([bin_path("grade-class"), str(course), "--out", str(out), "--jobs", str(jobs),
                            "--no-html"], ROOT)
    warm = json.loads((out / "run.json").read_text())["warm_start_seconds"]
    return seconds, warm


def in_process(course: Path) -> float:
    """Grade every submission one after the other in one warm process (no isolation at all)."""
    code = (
        "import sys, time, pathlib\n"
        "import torch, tensorflow, keras\n"
        "from graders.grade import grade_path\n"
        "paths = sorted(pathlib.Path(sys.argv[1]).glob('submitted/*/*/*.ipynb'))\n"
        "start = time.perf_counter()\n"
        "for p in paths:\n"
        "    grade_path(p)\n"
        "print(time.perf_counter() - start)\n"
    )
    env = dict(os.environ, OMP_NUM_THREADS="1", TF_CPP_MIN_LOG_LEVEL="2")
    result = subprocess.run([sys.executable, "-c", code, str(course)], cwd=ROOT, env=env, capture_output=True,
                            text=True, check=True)
    return float(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--nbgrader-repeat", type=int, help="runs of nbgrader (slow); default: --repeat")
    parser.add_argument("--students", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=os.cpu_count())
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = parser.parse_args()
    os.environ.setdefault("COURSE_GRADING_SALT", "benchmark")
    runs: dict[str, list[float]] = {"nbgrader": [], "grade_class": [], "grade_class_warmup": [],
                                    "grade_class_jobs1": [], "grade_class_jobs1_warmup": [], "in_process": []}
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        n = make_course(course, args.students)
        nbgrader_repeat = args.repeat if args.nbgrader_repeat is None else args.nbgrader_repeat
        for k in range(args.repeat):
            this: dict[str, float] = {}
            if k < nbgrader_repeat:
                this["nbgrader"] = nbgrader_autograde(course)
            this["grade_class"], this["grade_class_warmup"] = grade_class(course, Path(tmp) / "ours", args.jobs)
            this["grade_class_jobs1"], this["grade_class_jobs1_warmup"] = grade_class(course, Path(tmp) / "ours1", 1)
            this["in_process"] = in_process(course)
            for key, value in this.items():
                runs[key].append(value)
            print(f"run {k + 1}/{args.repeat}: " + ", ".join(f"{key} {v:.1f} s" for key, v in this.items()), flush=True)
    med = {key: statistics.median(v) for key, v in runs.items()}
    overhead = (med["grade_class_jobs1"] - med["grade_class_jobs1_warmup"] - med["in_process"]) / n
    summary = {
        "submissions": n, "repeat": args.repeat, "nbgrader_repeat": nbgrader_repeat, "jobs": args.jobs, "cpus": os.cpu_count(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}",
        "median_seconds": {k: round(v, 2) for k, v in med.items()},
        "speedup_vs_nbgrader": round(med["nbgrader"] / med["grade_class"], 2),
        "overhead_per_submission_s": round(overhead, 3), "runs": runs,
    }
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "grading_speed.json").write_text(json.dumps(summary, indent=2) + "\n")
    print(f"\n| {n} submissions, {os.cpu_count()} cores | median seconds |\n|---|---|")
    print(f"| `nbgrader autograde` (3 assignments; {nbgrader_repeat} runs) | {med['nbgrader']:.1f} |")
    print(f"| `grade-class --jobs {args.jobs}` (start-up included; {args.repeat} runs) | {med['grade_class']:.1f} |")
    print(f"| speed-up | **{summary['speedup_vs_nbgrader']:.1f}x** |")
    print(f"| isolation overhead per submission (`--jobs 1` minus warm-up minus in-process grading) | "
          f"{overhead:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
