"""Per-student HTML feedback: verdicts and messages per check, the student's own plots, the score.

Built from the per-submission results (hidden checks' messages are already generic there) and
the image outputs saved in the submitted notebook (loss curves and sample grids the student's
code drew). Everything is escaped; images are re-checked as PNG or JPEG before they are embedded.
"""
from __future__ import annotations

import base64
import binascii
import html
from pathlib import Path

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
        nb = nbformat.read(str(path), as_version=4)
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
        rows.append(f"<tr><td class='{cls}'>{mark}</td><td>{html.escape(c['part'])}</td>"
                    f"<td>{html.escape(c['title'])}{kind}</td><td>{c['points']:g}/{c['max_points']:g}</td>"
                    f"<td>{html.escape(c['message'])}</td></tr>")
    return ("<table><tr><th></th><th>part</th><th>check</th><th>points</th><th>message</th></tr>"
            + "".join(rows) + "</table>") if rows else ""


def render(results: list[dict]) -> str:
    student = results[0]["student"] if results else ""
    total = sum(r["score"] for r in results)
    maximum = sum(r["max_score"] for r in results)
    parts = [f"<!doctype html><meta charset='utf-8'><title>Feedback: {html.escape(student)}</title>",
             f"<style>{STYLE}</style><h1>Feedback for {html.escape(student)}</h1>",
             f"<p><b>Total: {total:g} / {maximum:g} points</b></p><table><tr><th>notebook</th><th>score</th>"
             "<th>status</th></tr>"]
    for r in results:
        parts.append(f"<tr><td><a href='#{html.escape(r['notebook'])}'>{html.escape(r['notebook'])}</a></td>"
                     f"<td>{r['score']:g}/{r['max_score']:g}</td><td>{html.escape(r['status'])}</td></tr>")
    parts.append("</table>")
    for r in results:
        ok = "ok" if r["status"] == "ok" else "bad"
        parts.append(f"<h2 id='{html.escape(r['notebook'])}'>{html.escape(r['notebook'])}: "
                     f"{r['score']:g} / {r['max_score']:g} <span class='status {ok}'>{html.escape(r['status'])}</span></h2>")
        parts.append(f"<p>{html.escape(r['reason'])}</p>")
        if r.get("load_errors"):
            parts.append("<p>Errors while running your cells:</p><pre>"
                         + html.escape("\n".join(r["load_errors"])) + "</pre>")
        parts.append(_check_rows(r))
        images = notebook_images(r["path"]) if r.get("path") else []
        if images:
            parts.append("<p>Your plots (as saved in your notebook):</p>")
            parts.extend(f"<img alt='plot' src='data:{mime};base64,{data}'>" for mime, data in images)
        if r.get("output"):
            parts.append("<details><summary>What your code printed while graded</summary><pre>"
                         + html.escape(r["output"]) + "</pre></details>")
    return "\n".join(parts) + "\n"


def write_feedback(path: Path, results: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(sorted(results, key=lambda r: r["notebook"])), encoding="utf-8")
