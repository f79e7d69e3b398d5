"""Per-student HTML feedback: verdicts and messages per check, the student's own plots, the score.

Built from the per-submission results (hidden checks' messages are already generic there) and
the image outputs saved in the submitted notebook (loss curves and sample grids the student's
code drew), read again only for a notebook that grading could read (``readable``), never through a
symlink and within the same size limit. Text is stripped of control characters and escaped (a jinja2
template with autoescape); images are re-checked as PNG or JPEG before they are embedded.
"""
from __future__ import annotations

import base64
import binascii
from pathlib import Path

import jinja2

from .classroom import clean, counted, read_bytes

MAX_IMAGES = 8
MAX_IMAGE_BYTES = 2 * 2**20
SIGNATURES = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}

STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 960px; margin: 2em auto; padding: 0 1em; color: #222 }
h1 { font-size: 1.5em } h2 { font-size: 1.2em; margin-top: 2em; border-bottom: 1px solid #ddd }
table { border-collapse: collapse; width: 100% } td, th { padding: 4px 8px; border-bottom: 1px solid #eee;
  vertical-align: top; text-align: left } .pass { color: #18794e } .fail { color: #c62828 } .skip { color: #888 }
.status { display: inline-block; padding: 1px 8px; border-radius: 9px; background: #eee; font-size: .85em }
.status.ok { background: #d7f5e4 } .status.bad { background: #fde0e0 }
pre { background: #f6f6f6; padding: .6em; overflow-x: auto; font-size: .85em; max-height: 20em }
img { max-width: 100%; border: 1px solid #eee; margin: .3em 0 }
"""


def notebook_images(path: str | Path) -> list[tuple[str, str]]:
    """(mime, base64) of the images in a notebook's saved outputs, valid PNG/JPEG only."""
    import nbformat

    try:
        nb = nbformat.reads(read_bytes(Path(path)).decode("utf-8", errors="replace"), as_version=4)
    except Exception:  # noqa: BLE001 - an unreadable notebook simply has no images to show
        return []
    images = []
    for cell in nb.cells:
        for output in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            data = output.get("data", {}) if isinstance(output, dict) else {}
            for mime, signature in SIGNATURES.items():
                payload = data.get(mime)
                if not isinstance(payload, str) or len(payload) > MAX_IMAGE_BYTES * 4 // 3 + 4:
                    continue
                try:
                    raw = base64.b64decode(payload.replace("\n", ""), validate=True)
                except (binascii.Error, ValueError):
                    continue
                if raw.startswith(signature):
                    images.append((mime, base64.b64encode(raw).decode()))
                    break
            if len(images) >= MAX_IMAGES:
                return images
    return images


def _name(result: dict) -> str:
    return "/".join(p for p in (result.get("assignment"), result["notebook"]) if p)


# Autoescaped: every student-supplied string (names, messages, printed output) is data, never markup.
PAGE = jinja2.Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string("""\
<!doctype html><meta charset="utf-8"><title>Feedback: {{ student }}</title>
<style>{{ style | safe }}</style><h1>Feedback for {{ student }}</h1>
<p><b>Total: {{ "%g" | format(total) }} / {{ "%g" | format(maximum) }} points</b></p>
<table><tr><th>notebook</th><th>score</th><th>status</th></tr>
{% for nb in notebooks %}
<tr><td><a href="#nb{{ loop.index0 }}">{{ nb.name }}</a></td><td>{{ nb.score }}</td><td>{{ nb.status }}</td></tr>
{% endfor %}
</table>
{% for nb in notebooks %}
<h2 id="nb{{ loop.index0 }}">{{ nb.name }}: {{ nb.score }} <span class="status {{ 'ok' if nb.status == 'ok' else 'bad' }}">{{ nb.status }}</span></h2>
<p>{{ nb.reason }}</p>
{% if nb.load_errors %}
<p>Errors while running your cells:</p><pre>{{ nb.load_errors }}</pre>
{% endif %}
{% if nb.checks %}
<table><tr><th></th><th>part</th><th>check</th><th>points</th><th>message</th></tr>
{% for c in nb.checks %}
<tr><td class="{{ c.css }}">{{ c.mark }}</td><td>{{ c.part }}</td><td>{{ c.title }}{% if c.hidden %} <small>(hidden)</small>{% endif %}</td><td>{{ c.points }}</td><td>{{ c.message }}</td></tr>
{% endfor %}
</table>
{% endif %}
{% if nb.images %}
<p>Your plots (as saved in your notebook):</p>
{% for mime, data in nb.images %}
<img alt="plot" src="data:{{ mime }};base64,{{ data }}">
{% endfor %}
{% endif %}
{% if nb.output %}
<details><summary>What your code printed while graded</summary><pre>{{ nb.output }}</pre></details>
{% endif %}
{% endfor %}
""")


def _check_view(c: dict) -> dict:
    css, mark = ("pass", "✔") if c["passed"] else (("skip", "–") if c.get("status") == "skipped" else ("fail", "✘"))
    return {"css": css, "mark": mark, "part": clean(c["part"]), "title": clean(c["title"]), "hidden": c.get("hidden"),
            "points": f"{c['points']:g}/{c['max_points']:g}", "message": clean(c["message"], True)}


def _notebook_view(r: dict) -> dict:
    return {
        "name": clean(_name(r)), "score": f"{r['score']:g} / {r['max_score']:g}", "status": clean(r["status"]),
        "reason": clean(r["reason"], True), "load_errors": clean("\n".join(r.get("load_errors") or []), True),
        "checks": [_check_view(c) for c in r["checks"]], "output": clean(r.get("output") or "", True),
        # Only a notebook grading could parse is read again (bounded, no symlinks): never an invalid one.
        "images": notebook_images(r["path"]) if r.get("readable") and r.get("path") else [],
    }


def render(results: list[dict]) -> str:
    student = results[0]["student"] if results else ""
    return PAGE.render(
        student=clean(student), style=STYLE, notebooks=[_notebook_view(r) for r in results],
        total=sum(r["score"] for r in results if counted(r)),
        maximum=sum(r["max_score"] for r in results if counted(r))) + "\n"


def write_feedback(path: Path, results: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render(sorted(results, key=lambda r: (r.get("assignment") or "", r["notebook"])))
    path.write_text(page, encoding="utf-8", errors="replace")
