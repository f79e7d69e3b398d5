"""``course nbgrader``: an instructor's nbgrader course directory, filled from the catalog.

One nbgrader assignment per module: the module is what a class works through in one sitting, it is
nbgrader's unit of release, fetch, submit and collect, and ``grade-class``, the demo class and the
benchmark already name assignments after modules. Each ready exercise's track is one notebook of its
module's assignment::

    <course_dir>/nbgrader_config.py                     course id, exchange root, the code stub
    <course_dir>/source/<module>/<exercise>_<track>.ipynb   the reference inside BEGIN/END SOLUTION

``nbgrader generate_assignment <module>`` then releases exactly the ``course/`` notebooks.
"""
from __future__ import annotations

from pathlib import Path

from graders import catalog as catalog_mod

from .build import CODE_STUB, build_notebook, render, targets

CONFIG = '''\
# Written by `course nbgrader`; nbgrader reads it when run from this folder.
c = get_config()
c.CourseDirectory.course_id = {course_id!r}
# The folder shared with the students' machines or servers (nbgrader's default exchange).
c.Exchange.root = {exchange!r}
# nbgrader's default stub, pinned: the released notebooks must equal the course's student notebooks.
c.ClearSolutions.code_stub = {{"python": {stub!r}}}
'''


def write_course(course_dir: Path, course_id: str = "dlcv-course", exchange: str = "/srv/nbgrader/exchange",
                 modules: list[str] | None = None, force: bool = False) -> list[tuple[Path, str]]:
    """Write the config (if absent) and the source notebooks; return (path, what happened) pairs."""
    cat = catalog_mod.load()
    known = sorted({ex.module for ex in cat.ready()})
    unknown = sorted(set(modules or ()) - set(known))
    if unknown:
        raise ValueError(f"no ready exercise in module(s) {unknown}; modules with ready exercises: {known}")
    course_dir.mkdir(parents=True, exist_ok=True)
    done = []
    config = course_dir / "nbgrader_config.py"
    if config.exists():
        done.append((config, "kept (exists)"))
    else:
        config.write_text(CONFIG.format(course_id=course_id, exchange=str(exchange), stub="\n".join(CODE_STUB)),
                          encoding="utf-8")
        done.append((config, "wrote"))
    for ex, track in targets(cat):
        if modules and ex.module not in modules:
            continue
        path = course_dir / "source" / ex.module / ex.notebook_path(track).name
        text = render(build_notebook(ex, track, cat, nbgrader_source=True))
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            done.append((path, "unchanged"))
        elif current is not None and not force:
            done.append((path, "kept (differs from the catalog's; --force overwrites it)"))
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            done.append((path, "wrote"))
    return done
