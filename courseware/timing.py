"""``course time``: median wall time of each reference's full grading, framework imports excluded.

Each run grades the reference solution from scratch (fresh namespace, model built and trained
again); frameworks are imported once beforehand, as they are in a warm grading worker.
"""
from __future__ import annotations

import statistics
import time

from graders import catalog as catalog_mod
from graders.testing import grade_file


def warm_imports(tracks: set[str]) -> None:
    if "torch" in tracks:
        import torch  # noqa: F401
    if "tf" in tracks:
        import keras  # noqa: F401
        import tensorflow  # noqa: F401


def time_exercises(exercise_ids: list[str] | None, repeat: int,
                   tracks: set[str] | None = None) -> list[tuple[str, str, float, list[float]]]:
    """``tracks`` limits the timing (and the framework imports) to those tracks, e.g. {"torch"}."""
    cat = catalog_mod.load()
    chosen = [cat.exercises[i] for i in exercise_ids] if exercise_ids else cat.ready()
    wanted = {ex.id: [t for t in ex.tracks if tracks is None or t in tracks] for ex in chosen}
    warm_imports({t for ts in wanted.values() for t in ts})
    rows = []
    for ex in chosen:
        for track in wanted[ex.id]:
            grade_file(ex.solution_path(track), ex.id, track)  # first run: fixture caches, lazy imports
            runs = []
            for _ in range(repeat):
                start = time.perf_counter()
                report = grade_file(ex.solution_path(track), ex.id, track)
                runs.append(time.perf_counter() - start)
                if not report.all_passed:
                    raise RuntimeError(f"{ex.id} [{track}] reference failed:\n{report.format()}")
            rows.append((ex.id, track, statistics.median(runs), runs))
            print(f"{ex.id:<28} {track:<6} median {statistics.median(runs):5.2f} s  "
                  f"(runs: {', '.join(f'{r:.2f}' for r in runs)})", flush=True)
    return rows
