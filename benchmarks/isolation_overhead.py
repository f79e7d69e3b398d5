"""Per-submission cost of the class-grading sandbox: start a confined worker, load a notebook, make one
call, close it; median over ``--repeat`` submissions, after the fork server is warm.

    python benchmarks/isolation_overhead.py [--repeat 40] [--json PATH]

Run it with another checkout's ``graders`` first on ``PYTHONPATH`` to compare two versions of the
sandbox side by side on the same machine (README: the isolation table).
"""
from __future__ import annotations

import argparse
import inspect
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from graders import remote, sandbox
from graders.submission import CodeCell

CELL = CodeCell("import numpy as np\n\ndef histogram(img):\n    return np.bincount(img.ravel(), minlength=256)\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--json")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="isolation-bench-"))
    limits = sandbox.Limits(wall_s=60, check_s=20, load_s=20)
    takes_hidden = "hidden_paths" in inspect.signature(remote.WorkerPool).parameters  # the sandbox before 2026-12-04
    pool = (remote.WorkerPool({"numpy"}, 1, limits, [], scratch) if takes_hidden
            else remote.WorkerPool({"numpy"}, 1, limits, scratch))
    image = __import__("numpy").arange(64, dtype="uint8").reshape(8, 8)
    seconds = []
    try:
        for i in range(args.repeat + 3):
            start = time.perf_counter()
            sub = remote.RemoteSubmission(pool, 0, "numpy", [CELL], f"bench-{i}")
            sub.call("histogram", image)
            sub.close()
            if i >= 3:  # the first few warm the page cache
                seconds.append(time.perf_counter() - start)
    finally:
        pool.close()
    record = {"graders": str(Path(remote.__file__).parent), "mechanisms": pool.mechanisms.to_dict(),
              "median_s": statistics.median(seconds), "runs_s": [round(s, 4) for s in seconds]}
    print(f"{record['graders']}: median {record['median_s'] * 1000:.1f} ms per submission over {len(seconds)} "
          f"(min {min(seconds) * 1000:.1f}, max {max(seconds) * 1000:.1f})")
    if args.json:
        Path(args.json).write_text(json.dumps(record, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
