"""The README's course table, generated from course/catalog.yaml (between two marker comments)."""
from __future__ import annotations

from pathlib import Path

from graders import catalog as catalog_mod

README = catalog_mod.ROOT / "README.md"
BEGIN, END = "<!-- catalog-table:begin -->", "<!-- catalog-table:end -->"
TRACK_LABEL = {"numpy": "NumPy", "torch": "PyTorch", "tf": "TF/Keras"}


def table(cat: catalog_mod.Catalog) -> str:
    ready = len(cat.ready())
    lines = [f"{len(cat.questions)} questions, {len(cat.exercises)} exercises in {len(cat.modules())} modules; "
             f"{ready} ready, {len(cat.exercises) - ready} planned.", ""]
    for module in cat.modules():
        exercises = [e for e in cat.exercises.values() if e.module == module]
        lines += [f"**{module}**", "", "| exercise | tracks | status | questions |", "|---|---|---|---|"]
        for ex in exercises:
            qs = ", ".join(f"{q.seed[:3]}#{q.number}" for q in cat.questions_for(ex.id))
            tracks = " · ".join(
                f"[{TRACK_LABEL[t]}]({ex.notebook_path(t).relative_to(catalog_mod.ROOT).as_posix()})" if ex.ready
                else TRACK_LABEL[t] for t in ex.tracks)
            status = "✅ ready" if ex.ready else "planned"
            lines.append(f"| `{ex.id}`: {ex.title_en} | {tracks} | {status} | {qs} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def render(text: str, cat: catalog_mod.Catalog) -> str:
    if BEGIN not in text or END not in text:
        raise ValueError(f"README.md lacks the markers {BEGIN} ... {END}")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{BEGIN}\n{table(cat)}{END}{tail}"


def update(check_only: bool = False, path: Path = README) -> bool:
    """Rewrite the table; return True if it was stale."""
    text = path.read_text(encoding="utf-8")
    new = render(text, catalog_mod.load())
    if new != text and not check_only:
        path.write_text(new, encoding="utf-8")
    return new != text
