"""``course scaffold <id>``: create the files of a planned exercise from templates.

Writes the lesson, one solution script per track, the grader module and a mutants folder; fills in
the exercise id, module and questions from the catalog. Refuses to overwrite anything.
"""
from __future__ import annotations

from pathlib import Path

from graders import catalog as catalog_mod

LESSON = """## The idea

TODO: what an interviewer expects you to say about {title}, with the one equation or diagram that
matters.

## Follow-up questions

- TODO
"""

SOLUTION = '''# %% [markdown]
# ## Setup
# Run this cell first. `check(part)` grades one part against the functions defined in this notebook.

# %% tags=["setup"]
{imports}
from graders.notebook import checker

check = checker("{id}", "{track}", globals())

# %% [markdown]
# ## Part 1: TODO

# %% tags=["solution"]
def todo(x):
    """TODO: what it computes.

    Args:
        x: np.ndarray / tensor, dtype ..., shape ... ({layout}).
    Returns:
        ..., shape ..., range ...
    """
    ### BEGIN SOLUTION (about N lines) Hint: TODO.
    return x
    ### END SOLUTION


# %% tags=["check"]
check("todo")
'''

IMPORTS = {
    "numpy": "import numpy as np",
    "torch": "import numpy as np\nimport torch\nfrom torch import nn\n\nDEVICE = torch.device(\"cuda\" if torch.cuda.is_available() else \"cpu\")",
    "tf": "import keras\nimport numpy as np\nimport tensorflow as tf",
}

GRADER = '''"""Grader for {id} ({questions})."""
from __future__ import annotations

import numpy as np

from .. import expect
from ..core import Context, Exercise

EXERCISE = Exercise("{id}")


@EXERCISE.check("todo", points=1)
def todo_shape(sub, ctx: Context):
    """TODO: one-line title shown to the student"""
    x = np.zeros((2, 3), np.float32)
    expect.shape(sub.call("todo", x), (2, 3), "todo(x)")


@EXERCISE.check("todo", points=1, hidden=True)
def todo_hidden(sub, ctx: Context):
    """TODO: the same on other inputs"""
    x = np.random.default_rng(ctx.seed("todo")).normal(size=(4, 3)).astype(np.float32)
    expect.close(sub.call("todo", x), x, "todo(x)")
'''


def scaffold(exercise_id: str, root: Path = catalog_mod.ROOT) -> list[Path]:
    cat = catalog_mod.load()
    if exercise_id not in cat.exercises:
        raise SystemExit(f"{exercise_id!r} is not in course/catalog.yaml: add it there first")
    ex = cat.exercises[exercise_id]
    questions = ", ".join(f"{q.seed[:3]} #{q.number}" for q in cat.questions_for(ex.id))
    files = {ex.lesson_path(): LESSON.format(title=ex.title_en),
             ex.grader_path(): GRADER.format(id=ex.id, questions=questions),
             root / "tests" / "mutants" / ex.id / ".gitkeep": ""}
    for track in ex.tracks:
        layout = "NCHW" if track == "torch" else "NHWC"
        files[ex.solution_path(track)] = SOLUTION.format(id=ex.id, track=track, imports=IMPORTS[track], layout=layout)
    existing = [p for p in files if p.exists()]
    if existing:
        raise SystemExit(f"refusing to overwrite {[str(p) for p in existing]}")
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return list(files)
