"""The rich level: `status` and the dashboard as rich renderables (tables, bars, a tree, panels).

Text from the plan and the history is always wrapped in `Text`, never parsed as rich markup,
so a title such as "[red]x[/]" shows as typed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import IO, Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from gitmilestone.commands.uilevel import Display
from gitmilestone.core.activity import clean
from gitmilestone.render.dashboard import (
    LEVEL_MARK,
    STATE_MARK,
    TASK_LINES,
    chain_lines,
    due_label,
    focus_line,
)
from gitmilestone.render.resume import hours
from gitmilestone.render.text import due_text

STATUS_STYLE = {
    "completed": "green",
    "in_progress": "yellow",
    "blocked": "red",
    "planned": "blue",
    "cancelled": "dim",
}
LEVEL_STYLE = {"high": "bold red", "medium": "yellow", "low": "green"}
STATE_STYLE = {"done": "green", "in_progress": "yellow", "waiting": "dim"}


def console(shown: Display, file: IO[str]) -> Console:
    return Console(
        file=file,
        force_terminal=shown.terminal,
        no_color=not shown.color,
        color_system="auto" if shown.color else None,
        width=shown.width,
        highlight=False,
        emoji=False,
        markup=False,
    )


def _t(value: object, style: str = "") -> Text:
    """Plan or history text: one line, no control characters, never rich markup."""
    return Text(clean(value, 400), style=style)


def _bar(percent: float, status: str = "in_progress") -> ProgressBar:
    style = "green" if percent >= 100 else STATUS_STYLE.get(status, "yellow")
    return ProgressBar(total=100, completed=percent, width=12, complete_style=style)


def status_view(
    project: Mapping[str, Any],
    rows: Sequence[Mapping[str, Any]],
    alerts: Sequence[Mapping[str, Any]],
    today: dt.date,
    soon_days: int,
    width: int,
) -> RenderableType:
    """`status`: the project line in a panel, one table row per milestone, risk alerts."""
    head = Text(
        f"Project: {project['progress']:.0f}% complete · {project['completed']} of "
        f"{project['milestones']} milestones completed · "
        f"{project['tasks_completed']}/{project['tasks']} tasks done"
    )
    table = Table(expand=False, header_style="bold")
    # Narrow terminals drop the time columns first, then the bar: the title must stay legible.
    names = ["ID", "Milestone", "Progress", "%", "Tasks", "Due", "Spent", "Eff."]
    names = names if width >= 100 else names[:6] if width >= 72 else ["ID", "Milestone", "%", "Due"]
    for name in names:
        wrap = name == "Milestone"
        table.add_column(
            name, no_wrap=not wrap, justify="right" if name in ("%", "Eff.") else "left"
        )
    for r in rows:
        cells = _status_cells(r, today, soon_days)
        table.add_row(*(cells[n] for n in names))
    parts: list[RenderableType] = [Panel(head, title="git milestone status"), table]
    if alerts:
        parts.append(_risk_table(alerts))
    return Group(*parts)


def _status_cells(
    r: Mapping[str, Any], today: dt.date, soon_days: int
) -> dict[str, RenderableType]:
    due = due_text(r["estimated_end"], today, r["status"], soon_days).removeprefix("due ")
    blocked = f" ({r['tasks']['blocked']}!)" if r["tasks"]["blocked"] else ""
    t = r.get("time") or {}
    return {
        "ID": _t(r["id"]),
        "Milestone": _t(r["title"]),
        "Progress": _bar(r["progress"], r["status"]),
        "%": Text(f"{r['progress']:.0f}%"),
        "Tasks": Text(f"{r['tasks']['completed']}/{r['tasks']['total']}{blocked}"),
        "Due": Text(due, style="bold red" if "overdue" in due else ""),
        "Spent": Text(_spent(t)),
        "Eff.": Text(f"{t['efficiency']:.2f}" if t.get("efficiency") is not None else "-"),
    }


def _spent(t: Mapping[str, Any]) -> str:
    if not t.get("actual_hours"):
        return "-"
    est = f" / {t['estimated_hours']:g}h" if t.get("estimated_hours") else ""
    return f"{hours(t['actual_hours'])}{est}"


def dashboard_view(data: Mapping[str, Any]) -> RenderableType:
    p = data["project"]
    if not p["milestones"]:
        return Text('No milestones yet. Create one with: git milestone new "Title"')
    overall = Table.grid(padding=(0, 1))
    overall.add_row(
        _bar(p["progress"]),
        Text(
            f"{p['progress']:.0f}% complete · {p['completed']} of {p['milestones']} milestones"
            f" · {p['tasks_completed']}/{p['tasks']} tasks"
        ),
    )
    parts: list[RenderableType] = [
        Panel(Group(overall, _t(focus_line(data["focus"]))), title="MILESTONE PROGRESS DASHBOARD"),
        _active_tree(data),
        Panel(_chain(data["critical_path"]), title="CRITICAL PATH STATUS"),
    ]
    if data["risk_alerts"]["alerts"]:
        parts.append(_risk_table(data["risk_alerts"]["alerts"]))
    parts.append(_activity_table(data["recent_activity"]))
    return Group(*parts)


def _active_tree(data: Mapping[str, Any]) -> Tree:
    tree = Tree(Text("ACTIVE MILESTONES", style="bold"))
    heads = [clean(f"{r['id']}: {r['title']}") for r in data["active"]]
    title_w = min(max(map(len, heads), default=10), 40)
    budget = TASK_LINES
    for r in data["active"]:
        row = Table.grid(padding=(0, 1))
        row.add_column(width=title_w, no_wrap=True, overflow="ellipsis")
        due = Text(f"({due_label(r)})", style="bold red" if r["overdue"] else "")
        row.add_row(
            _t(f"{r['id']}: {r['title']}"), _bar(r["progress"], r["status"]),
            Text(f"{r['progress']:3.0f}%"), due,
        )  # fmt: skip
        branch = tree.add(row)
        shown = r["open_tasks"][:budget]
        budget -= len(shown)
        for t in shown:
            why = f" — {t['blocked_reason']}" if t.get("blocked_reason") else ""
            style = STATUS_STYLE.get(t["status"], "")
            branch.add(_t(f"{t['status']}: {t['id']} {t['title']}{why}", style))
    if data["more_active"]:
        tree.add(Text(f"and {data['more_active']} more (git milestone list)", style="dim"))
    return tree


def _chain(cp: Mapping[str, Any]) -> Text:
    if cp.get("error") or not cp["chain"]:
        return Text("\n".join(chain_lines(cp)))
    out = Text()
    for n, c in enumerate(cp["chain"][-12:]):
        out.append(" → " if n else "")
        mark = STATE_MARK[c["state"]]
        out.append(clean(f"{mark} {c['title']} ({c['id']})"), STATE_STYLE[c["state"]])
    if len(cp["chain"]) > 12:
        out = Text(f"… {len(cp['chain']) - 12} before → ") + out
    if cp.get("finish"):
        out.append(f"\nProjected finish: {cp['finish']}")
    return out


def _risk_table(alerts: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="RISK ALERTS", title_justify="left", header_style="bold")
    for name in ("Level", "Risk", "Description", "Mitigation"):
        table.add_column(name)
    for r in alerts:
        level = str(r.get("level") or "-")
        table.add_row(
            Text(LEVEL_MARK.get(level, level).rstrip(": "), style=LEVEL_STYLE.get(level, "")),
            _t(r["ref"]),
            _t(r["description"]),
            _t(r["mitigation"] or "none yet"),
        )
    return table


def _activity_table(rows: Sequence[Mapping[str, Any]]) -> Table:
    table = Table(title="RECENT ACTIVITY", title_justify="left", header_style="bold")
    for name in ("When", "What", "Who"):
        table.add_column(name)
    for r in rows:
        table.add_row(_t(r["timestamp"][:16].replace("T", " ")), _t(r["summary"]), _t(r["author"]))
    return table
