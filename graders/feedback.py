"""Per-student HTML feedback: verdicts and messages per check, the student's own plots, the score.

Built from the per-submission results (hidden checks' messages are already generic there) and
the image outputs saved in the submitted notebook (loss curves and sample grids the student's
code drew), read again only for a notebook that grading could read (``readable``), never through a
symlink and within the same size limit. Text is stripped of control characters and escaped; images
are re-checked as PNG or JPEG before they are embedded.
"""
from __future__ import annotations

import base64
import binascii
import html
from pathlib import Path

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


def _text(value: object, newlines: bool = False) -> str:
    return html.escape(clean(value, newlines))


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


def _check_rows(result: dict) -> str:
    rows = []
    for c in result["checks"]:
        cls, mark = ("pass", "✔") if c["passed"] else (("skip", "–") if c.get("status") == "skipped" else ("fail", "✘"))
        kind = " <small>(hidden)</small>" if c.get("hidden") else ""
        rows.append(f"<tr><td class='{cls}'>{mark}</td><td>{_text(c['part'])}</td>"
                    f"<td>{_text(c['title'])}{kind}</td><td>{c['points']:g}/{c['max_points']:g}</td>"
                    f"<td>{_text(c['message'], True)}</td></tr>")
    return ("<table><tr><th></th><th>part</th><th>check</th><th>points</th><th>message</th></tr>"
            + "".join(rows) + "</table>") if rows else ""


def _name(result: dict) -> str:
    return "/".join(p for p in (result.get("assignment"), result["notebook"]) if p)


def render(results: list[dict]) -> str:
    student = results[0]["student"] if results else ""
    total = sum(r["score"] for r in results if counted(r))
    maximum = sum(r["max_score"] for r in results if counted(r))
    parts = [f"<!doctype html><meta charset='utf-8'><title>Feedback: {_text(student)}</title>",
             f"<style>{STYLE}</style><h1>Feedback for {_text(student)}</h1>",
             f"<p><b>Total: {total:g} / {maximum:g} points</b></p><table><tr><th>notebook</th><th>score</th>"
             "<th>status</th></tr>"]
    for i, r in enumerate(results):
        parts.append(f"<tr><td><a href='#nb{i}'>{_text(_name(r))}</a></td>"
                     f"<td>{r['score']:g}/{r['max_score']:g}</td><td>{_text(r['status'])}</td></tr>")
    parts.append("</table>")
    for i, r in enumerate(results):
        ok = "ok" if r["status"] == "ok" else "bad"
        parts.append(f"<h2 id='nb{i}'>{_text(_name(r))}: "
                     f"{r['score']:g} / {r['max_score']:g} <span class='status {ok}'>{_text(r['status'])}</span></h2>")
        parts.append(f"<p>{_text(r['reason'], True)}</p>")
        if r.get("load_errors"):
            parts.append("<p>Errors while running your cells:</p><pre>"
                         + _text("\n".join(r["load_errors"]), True) + "</pre>")
        parts.append(_check_rows(r))
        # Only a notebook grading could parse is read again (bounded, no symlinks): never an invalid one.
        images = notebook_images(r["path"]) if r.get("readable") and r.get("path") else []
        if images:
            parts.append("<p>Your plots (as saved in your notebook):</p>")
            parts.extend(f"<img alt='plot' src='data:{mime};base64,{data}'>" for mime, data in images)
        if r.get("output"):
            parts.append("<details><summary>What your code printed while graded</summary><pre>"
                         + _text(r["output"], True) + "</pre></details>")
    return "\n".join(parts) + "\n"


def write_feedback(path: Path, results: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    page = render(sorted(results, key=lambda r: (r.get("assignment") or "", r["notebook"])))
    path.write_text(page, encoding="utf-8", errors="replace")
