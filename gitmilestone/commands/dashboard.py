"""The dashboard as data: overall progress, the current focus, the most urgent active milestones,
the critical path, risk alerts and the latest activity. Text, rich, JSON and the web page all
render this one dictionary."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis.risk import Thresholds, alerts
from gitmilestone.core import activity
from gitmilestone.core.events import Event
from gitmilestone.core.model import (
    Milestone,
    Settings,
    milestone_progress,
    milestone_status,
    project_progress,
    task_counts,
)
from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:
    from gitmilestone.analysis.cpm import Cpm
    from gitmilestone.analysis.schedule import Network
    from gitmilestone.workspace import Workspace

PRIORITY_RANK = {"critical": 0, "high": 1, "medium": 2, "low": 3}
MAX_OPEN_TASKS = 3  # in-progress and blocked tasks shown under each active milestone
MAX_RISKS = 5


@dataclass(frozen=True)
class Source:
    """What every view of the dashboard reads, each source once."""

    milestones: list[Milestone]
    events: list[Event]
    problems: list[str]
    settings: Settings
    config: dict[str, Any]
    today: dt.date
    session: dict[str, str | None] | None  # the session open in this work tree


def read(ws: Workspace, today: dt.date) -> Source:
    """The plan with this branch's facts, read once through the workspace."""
    from gitmilestone.git.localstate import active_session

    session = active_session(ws.paths.common_dir, ws.paths.git_dir)
    store = ws.store
    return Source(
        ws.plan(), ws.log.scoped, ws.log.problems, store.settings(), store.config(), today, session
    )


def network(src: Source) -> Network:
    from gitmilestone.analysis import schedule
    from gitmilestone.analysis.calendar import WorkCalendar

    buffer = (src.config.get("defaults") or {}).get("buffer_percentage") or 0
    cal = WorkCalendar.from_config(src.config, src.today)
    return schedule.build(src.milestones, cal, src.settings, buffer)


def build(
    src: Source, top: int, latest: int, net: Network | None = None, result: Cpm | None = None
) -> dict[str, Any]:
    """The dashboard of the plan in `src`; `net` and `result` when the caller has them."""
    rows = {m.id: _row(m, src) for m in src.milestones}
    by_id = {m.id: m for m in src.milestones}
    active = sorted(
        (r for r in rows.values() if r["status"] not in ("completed", "cancelled")), key=_urgency
    )
    tasks = [t for m in src.milestones for t in m.tasks]
    return {
        "today": src.today.isoformat(),
        "project": {
            "progress": project_progress(src.milestones, src.settings),
            "milestones": len(src.milestones),
            "completed": sum(r["status"] == "completed" for r in rows.values()),
            "tasks": len(tasks),
            "tasks_completed": sum(t.status == "completed" for t in tasks),
        },
        "focus": _focus(src, rows, active),
        "active": [_with_tasks(r, by_id[r["id"]]) for r in active[:top]],
        "more_active": max(0, len(active) - top),
        "critical_path": critical_path(src, rows, net, result),
        "risk_alerts": _risks(src),
        "recent_activity": [activity.row(e) for e in src.events[-latest:][::-1]] if latest else [],
        "warnings": list(src.problems),
    }


def _row(m: Milestone, src: Source) -> dict[str, Any]:
    counts = task_counts(m)
    status = milestone_status(m, src.settings)
    due = m.estimated_end
    days = _days_left(due, src.today)
    return {
        "id": m.id,
        "title": activity.clean(m.title),
        "status": status,
        "priority": m.priority,
        "progress": milestone_progress(m, src.settings),
        "due": due,
        "days_left": days,
        "overdue": days is not None and days < 0 and status != "completed",
        "tasks": {"total": len(m.tasks), **counts},
    }


def _days_left(due: str | None, today: dt.date) -> int | None:
    try:
        return (dt.date.fromisoformat(str(due)) - today).days if due else None
    except ValueError:
        return None


def _urgency(r: dict[str, Any]) -> tuple[str, int, str]:
    """Overdue first (the earliest due date), then by due date, priority and ID."""
    return (str(r["due"] or "9999-99-99"), PRIORITY_RANK.get(r["priority"], 9), r["id"])


def _with_tasks(r: dict[str, Any], m: Milestone) -> dict[str, Any]:
    open_tasks = [
        {
            "id": t.id,
            "title": activity.clean(t.title),
            "status": t.status,
            "blocked_reason": activity.clean(t.blocked_reason) if t.blocked_reason else None,
        }
        for t in m.tasks
        if t.status in ("in_progress", "blocked")
    ]
    return {**r, "open_tasks": open_tasks[:MAX_OPEN_TASKS]}


def _focus(
    src: Source, rows: dict[str, dict[str, Any]], active: list[dict[str, Any]]
) -> dict[str, Any] | None:
    """The milestone of the session open here, else the most urgent one in progress."""
    session = src.session or {}
    mid = session.get("milestone_id")
    if mid in rows and rows[str(mid)]["status"] not in ("completed", "cancelled"):
        return {**rows[str(mid)], "task": session.get("task_id"), "why": "open work session"}
    going = [r for r in active if r["status"] == "in_progress"]
    if going:
        return {**going[0], "task": None, "why": "most urgent in progress"}
    return None


def critical_path(
    src: Source,
    rows: dict[str, dict[str, Any]],
    net: Network | None,
    result: Cpm | None = None,
) -> dict[str, Any]:
    """The milestones on the critical path, after the completed ones that led to them."""
    from gitmilestone.analysis import schedule

    try:
        net = net or network(src)
    except MilestoneError as err:  # a cycle or an unknown dependency: say so, show the rest
        return {"chain": [], "finish": None, "error": err.message}
    result = result or net.solve()
    order: list[str] = []
    for i in schedule.critical_path(net, result):
        mid = net.graph.nodes[i].milestone.id
        if mid not in order:
            order.append(mid)
    order = _done_before(order, src.milestones, rows) + order
    chain = [{"id": mid, "title": rows[mid]["title"], "state": _state(rows[mid])} for mid in order]
    return {"chain": chain, "finish": schedule.summary(net, result)["finish"], "error": None}


def _done_before(
    order: list[str], milestones: Sequence[Milestone], rows: dict[str, dict[str, Any]]
) -> list[str]:
    """The completed milestones the first open one required, following one line upstream."""
    by_id = {m.id: m for m in milestones}
    before: list[str] = []
    current = by_id.get(order[0]) if order else None
    while current is not None:
        done = [r for r in current.requires if r in rows and rows[r]["status"] == "completed"]
        if not done or done[0] in before or done[0] in order:
            break
        before.insert(0, done[0])
        current = by_id.get(done[0])
    return before


def _state(row: dict[str, Any]) -> str:
    if row["status"] == "completed":
        return "done"
    return "in_progress" if row["status"] == "in_progress" or row["progress"] > 0 else "waiting"


def _risks(src: Source) -> dict[str, Any]:
    thresholds = Thresholds.from_config(src.config)
    found = alerts(src.milestones, thresholds, "medium")
    shown = [r.as_dict(thresholds) for r in found[:MAX_RISKS]]
    for r in shown:
        r["description"] = activity.clean(r["description"])
        r["mitigation"] = activity.clean(r["mitigation"]) if r["mitigation"] else None
    return {
        "alerts": shown,
        "more": max(0, len(found) - MAX_RISKS),
    }
