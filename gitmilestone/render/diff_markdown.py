"""`git milestone diff --format markdown`: a compact pull-request comment. A summary table
first, then one folded <details> section per milestone; nothing but the plan. Everything a
user typed (titles, descriptions, revision names) is HTML-escaped, and `|` cannot break a
table cell."""

from __future__ import annotations

import html
from typing import Any

from gitmilestone.render.diff import ARROW, detail_lines, pct, span, summary_rows

MARKER = "<!-- git-milestone diff -->"  # lets a CI job find and update its own comment


def cell(text: str) -> str:
    return html.escape(text, quote=False).replace("|", "&#124;").replace("\n", " ")


def markdown_lines(data: dict[str, Any]) -> list[str]:
    a, b = data["from"], data["to"]
    out = [
        MARKER,
        f"### Plan changes: {cell(a['label'])} {ARROW} {cell(b['label'])}",
        "",
        f"<sub>{span(data)}</sub>",
        "",
    ]
    if not data["changed"]:
        return [*out, "No plan changes."]
    out += ["| | Before | After |", "|---|---|---|"]
    out += [f"| {label} | {cell(x)} | {cell(y)} |" for label, x, y in summary_rows(data)]
    if data["milestones"]:
        out += ["", "| Milestone | Change | Progress |", "|---|---|---|"]
        out += [_row(m) for m in data["milestones"]]
    for m in data["milestones"]:
        out += _details(m, data["gates_waiting"])
    return out


def _row(m: dict[str, Any]) -> str:
    progress = f"{pct(m['progress_before'])} {ARROW} {pct(m['progress_after'])}"
    return f"| {cell(m['id'])} {cell(m['title'])} | {_counts(m)} | {progress} |"


def _counts(m: dict[str, Any]) -> str:
    """`2 tasks completed, 1 task added, 1 risk added, dates moved`."""
    if m["change"] != "changed":
        return str(m["change"])
    tally: dict[str, int] = {}
    for t in m["tasks"]:
        key = f"task {t['change']}" if t["change"] != "dependencies" else "task dependencies"
        tally[key] = tally.get(key, 0) + 1
    for r in m["risks"]:
        tally[f"risk {r['change']}"] = tally.get(f"risk {r['change']}", 0) + 1
    parts = [f"{n} {_plural(k, n)}" for k, n in tally.items()]
    if any(f["field"].startswith("timeline.") for f in m["fields"]):
        parts.append("timeline changed")
    if any(m["dependencies"].values()):
        parts.append("dependencies changed")
    if m["phases"]:
        parts.append(f"{len(m['phases'])} phase {_plural('change', len(m['phases']))}")
    return ", ".join(parts) or "progress"


def _plural(key: str, n: int) -> str:
    if n == 1:
        return key
    noun, _, rest = key.partition(" ")
    return f"{noun}s {rest}".strip()


def _details(m: dict[str, Any], gates: list[dict[str, Any]]) -> list[str]:
    lines = detail_lines(m, gates)
    if not lines:
        return []
    return [
        "",
        f"<details><summary>{cell(m['id'])} {cell(m['title'])}</summary>",
        "",
        *[f"- {cell(line)}" for line in lines],
        "",
        "</details>",
    ]
