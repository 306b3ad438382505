"""The text dashboard (MILESTONE PROGRESS DASHBOARD) as lines, from `dashboard.build` data."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

STATE_MARK = {"done": "✅", "in_progress": "🟡", "waiting": "⏳"}
LEVEL_MARK = {"high": "🔴 HIGH:", "medium": "🟡 MED: ", "low": "🟢 LOW: "}
TASK_MARK = {"in_progress": "[~]", "blocked": "[!]"}
CHAIN_SHOWN = 6  # milestones of the critical path spelled out; the rest are counted
TITLE_WIDTH = 32
TASK_LINES = 8  # open tasks shown under the active milestones, the most urgent first


def bar(percent: float, width: int) -> str:
    """A text progress bar `width` cells wide."""
    filled = round(width * max(0.0, min(percent, 100.0)) / 100)
    return "[" + "█" * filled + "░" * (width - filled) + "]"


def dashboard_lines(data: Mapping[str, Any], width: int = 10) -> list[str]:
    title = "MILESTONE PROGRESS DASHBOARD"
    lines = [title, "=" * len(title), ""]
    p = data["project"]
    if not p["milestones"]:
        return [*lines, 'No milestones yet. Create one with: git milestone new "Title"']
    lines.append(
        f"Overall Project: {p['progress']:.0f}% Complete ({p['completed']} of "
        f"{p['milestones']} milestones completed, {p['tasks_completed']}/{p['tasks']} tasks done)"
    )
    lines.append(focus_line(data["focus"]))
    lines += ["", "ACTIVE MILESTONES:", *active_lines(data, width)]
    lines += ["", "CRITICAL PATH STATUS:", *chain_lines(data["critical_path"])]
    lines += ["", "RISK ALERTS:", *risk_lines(data["risk_alerts"])]
    lines += ["", "RECENT ACTIVITY:", *activity_lines(data["recent_activity"])]
    return lines


def focus_line(focus: Mapping[str, Any] | None) -> str:
    if not focus:
        return "Current Focus: nothing in progress (git milestone start M-ID to begin)"
    task = f", task {focus['task']}" if focus.get("task") else ""
    return (
        f'Current Focus: {focus["id"]} "{focus["title"]}" '
        f"({focus['progress']:.0f}% complete{task}; {focus['why']})"
    )


def due_label(row: Mapping[str, Any]) -> str:
    if not row["due"]:
        return "no due date"
    if row["overdue"]:
        return f"Due: {row['due']}, OVERDUE by {-row['days_left']}d"
    return f"Due: {row['due']}"


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def active_lines(data: Mapping[str, Any], width: int) -> list[str]:
    rows: Sequence[Mapping[str, Any]] = data["active"]
    if not rows:
        return ["(none: every milestone is completed)"]
    title_w = min(max(len(f"{r['id']}: {r['title']}") for r in rows), TITLE_WIDTH)
    more = data["more_active"]
    out: list[str] = []
    budget = TASK_LINES
    for n, r in enumerate(rows):
        last = n == len(rows) - 1 and not more
        head = _fit(f"{r['id']}: {r['title']}", title_w)
        out.append(
            f"{'└──' if last else '├──'} {head:<{title_w}} {bar(r['progress'], width)} "
            f"{r['progress']:3.0f}% ({due_label(r)})"
        )
        stem = "    " if last else "│   "
        shown = r["open_tasks"][:budget]
        budget -= len(shown)
        for k, t in enumerate(shown):
            branch = "└──" if k == len(shown) - 1 else "├──"
            why = f" — {t['blocked_reason']}" if t.get("blocked_reason") else ""
            out.append(f"{stem}{branch} {TASK_MARK[t['status']]} {t['id']} {t['title']}{why}")
    if more:
        out.append(f"└── and {more} more (git milestone list)")
    return out


def chain_lines(cp: Mapping[str, Any]) -> list[str]:
    if cp.get("error"):
        return [f"(cannot compute: {cp['error']})"]
    chain: Sequence[Mapping[str, Any]] = cp["chain"]
    if not chain:
        return ["(no open work)"]
    done = [c for c in chain if c["state"] == "done"]
    shown = [*done[-1:], *(c for c in chain if c["state"] != "done")]
    hidden = len(shown) - CHAIN_SHOWN
    if hidden > 0:
        shown = shown[: CHAIN_SHOWN - 1] + shown[-1:]
    parts = [f"{STATE_MARK[c['state']]} {c['title']} ({c['id']})" for c in shown]
    if hidden > 0:
        parts.insert(-1, f"… {hidden} more")
    prefix = f"✅ {len(done) - 1} done → " if len(done) > 1 else ""
    finish = [f"Projected finish: {cp['finish']}"] if cp.get("finish") else []
    return [prefix + " → ".join(parts), *finish]


def risk_lines(risks: Mapping[str, Any]) -> list[str]:
    if not risks["alerts"]:
        return ["(no open risk at medium level or above)"]
    out = [
        f"{LEVEL_MARK.get(r['level'], '-')} {r['description']} ({r['ref']}) "
        f"(Mitigation: {r['mitigation'] or 'none yet'})"
        for r in risks["alerts"]
    ]
    return out + ([f"and {risks['more']} more (git milestone risk list)"] if risks["more"] else [])


def activity_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    if not rows:
        return ["(no events yet)"]
    return [
        f"- {r['timestamp'][:16].replace('T', ' ')}: {r['summary']} ({r['author']})" for r in rows
    ]
