"""The dashboard as data: overall progress, the current focus, the most urgent active milestones,
the critical path, risk alerts and the latest activity. Text, rich, JSON and the web page all
render this one dictionary."""

from __future__ import annotations

import datetime as dt
import hashlib
import marshal
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
    milestone_summary,
    task_counts,
    weighted_progress,
)
from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:
    from gitmilestone.analysis.calendar import WorkCalendar
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


def read(ws: Workspace, today: dt.date, milestones: list[Milestone] | None = None) -> Source:
    """The plan with this branch's facts, read once through the workspace; with `milestones`,
    those instead of the plan (for cards: everything else the dashboard reads)."""
    from gitmilestone.git.localstate import active_session

    session = active_session(ws.paths.common_dir, ws.paths.git_dir)
    store = ws.store
    plan = ws.plan() if milestones is None else milestones
    return Source(
        plan, ws.log.scoped, ws.log.problems, store.settings(), store.config(), today, session
    )


def network(src: Source) -> Network:
    from gitmilestone.analysis import schedule

    cal, buffer = calendar(src)
    return schedule.build(src.milestones, cal, src.settings, buffer)


def calendar(src: Source) -> tuple[WorkCalendar, float]:
    """The working calendar from today, and the buffer a milestone without its own takes."""
    from gitmilestone.analysis.calendar import WorkCalendar

    buffer = (src.config.get("defaults") or {}).get("buffer_percentage") or 0
    return WorkCalendar.from_config(src.config, src.today), buffer


def build(
    src: Source, top: int, latest: int, net: Network | None = None, result: Cpm | None = None
) -> dict[str, Any]:
    """The dashboard of the plan in `src`; `net` and `result` when the caller has them."""
    thresholds = Thresholds.from_config(src.config)
    cards = [card(m, src, thresholds) for m in src.milestones]
    return assemble(cards, src, critical_order(src, net, result), top, latest)


def assemble(
    cards: Sequence[dict[str, Any]],
    src: Source,
    order: dict[str, Any],
    top: int,
    latest: int,
) -> dict[str, Any]:
    """The dashboard from each milestone's card and the critical order; of `src` only the
    day, the session and the history are read, so cards kept in the index serve too."""
    rows = {c["id"]: dated(c["row"], src.today) for c in cards}
    by_id = {c["id"]: c for c in cards}
    active = sorted(
        (r for r in rows.values() if r["status"] not in ("completed", "cancelled")), key=_urgency
    )
    return {
        "today": src.today.isoformat(),
        "project": {
            "progress": weighted_progress((c["effort"], c["row"]["progress"]) for c in cards),
            "milestones": len(cards),
            "completed": sum(r["status"] == "completed" for r in rows.values()),
            "tasks": sum(c["row"]["tasks"]["total"] for c in cards),
            "tasks_completed": sum(c["row"]["tasks"]["completed"] for c in cards),
        },
        "focus": _focus(src, rows, active),
        "active": [
            {**r, "open_tasks": more(by_id[r["id"]], "open_tasks")[:MAX_OPEN_TASKS]}
            for r in active[:top]
        ],
        "more_active": max(0, len(active) - top),
        "critical_path": _chain(order, by_id),
        "risk_alerts": _risks(cards),
        "recent_activity": [activity.row(e) for e in src.events[-latest:][::-1]] if latest else [],
        "warnings": list(src.problems),
    }


def card(m: Milestone, src: Source, thresholds: Thresholds) -> dict[str, Any]:
    """What the dashboard and `list` read of one milestone: it follows from the milestone's
    file, its facts and the config alone (not the day: see dated()), so it is kept per
    milestone (plancards) across days."""
    from gitmilestone.analysis.graph import network_inputs

    return {
        "id": m.id,
        "path": m.path,
        "location": m.location,
        "row": _row(m, src.settings),
        "effort": m.effort,
        "risks": [
            [_score_key(r.score), r.as_dict(thresholds)] for r in alerts([m], thresholds, "medium")
        ],
        # Read for a few milestones or by `list` alone: kept packed (see more()).
        "more": {
            "open_tasks": _open_tasks(m),
            "requires": list(m.requires),
            "summary": milestone_summary(m, src.settings),
        },
        # A digest: the inputs themselves are most of a card's size, read back on every view.
        "network": hashlib.sha1(network_inputs(m).encode("utf-8", "surrogateescape")).hexdigest(),
    }


def more(card: dict[str, Any], name: str) -> Any:
    """One of a card's open tasks, requires, `list` summary or network nodes. A card read
    back from the index keeps each packed apart: a view of 1,000 milestones unpacks only the
    few it shows, and the walk along the critical path only the nodes it passes."""
    found = card["more"][name]
    return marshal.loads(found) if isinstance(found, bytes) else found


def _row(m: Milestone, settings: Settings) -> dict[str, Any]:
    return {
        "id": m.id,
        "title": activity.clean(m.title),
        "status": milestone_status(m, settings),
        "priority": m.priority,
        "progress": milestone_progress(m, settings),
        "due": m.estimated_end,
        "tasks": {"total": len(m.tasks), **task_counts(m)},
    }


def dated(row: dict[str, Any], today: dt.date) -> dict[str, Any]:
    """A card's row with what follows from the day: the days left and whether it is overdue."""
    days = _days_left(row["due"], today)
    overdue = days is not None and days < 0 and row["status"] != "completed"
    head = {k: row[k] for k in ("id", "title", "status", "priority", "progress", "due")}
    return {**head, "days_left": days, "overdue": overdue, "tasks": row["tasks"]}


def _days_left(due: str | None, today: dt.date) -> int | None:
    try:
        return (dt.date.fromisoformat(str(due)) - today).days if due else None
    except ValueError:
        return None


def _urgency(r: dict[str, Any]) -> tuple[str, int, str]:
    """Overdue first (the earliest due date), then by due date, priority and ID."""
    return (str(r["due"] or "9999-99-99"), PRIORITY_RANK.get(r["priority"], 9), r["id"])


def _open_tasks(m: Milestone) -> list[dict[str, Any]]:
    return [
        {
            "id": t.id,
            "title": activity.clean(t.title),
            "status": t.status,
            "blocked_reason": activity.clean(t.blocked_reason) if t.blocked_reason else None,
        }
        for t in m.tasks
        if t.status in ("in_progress", "blocked")
    ]


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


def critical_order(src: Source, net: Network | None, result: Cpm | None = None) -> dict[str, Any]:
    """The milestones of the critical path in order, and the plan's finish: what the activity
    network gives. Kept by the network's inputs alone (plancards), so an edit that moves no
    date (a title, a description, a comment) reads it back."""
    from gitmilestone.analysis import schedule

    try:
        net = net or network(src)
    except MilestoneError as err:  # a cycle or an unknown dependency: say so, show the rest
        return {"order": [], "finish": None, "error": err.message}
    result = result or net.solve()
    order: list[str] = []
    for i in schedule.critical_path(net, result):
        mid = net.graph.nodes[i].milestone.id
        if mid not in order:
            order.append(mid)
    return {"order": order, "finish": schedule.summary(net, result)["finish"], "error": None}


def _chain(found: dict[str, Any], cards: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The milestones on the critical path, after the completed ones that led to them."""
    order = found["order"]
    rows = {mid: c["row"] for mid, c in cards.items()}
    order = _done_before(order, cards, rows) + order
    chain = [{"id": mid, "title": rows[mid]["title"], "state": _state(rows[mid])} for mid in order]
    return {"chain": chain, "finish": found["finish"], "error": found["error"]}


def _done_before(
    order: list[str], cards: dict[str, dict[str, Any]], rows: dict[str, dict[str, Any]]
) -> list[str]:
    """The completed milestones the first open one required, following one line upstream."""
    before: list[str] = []
    current = cards.get(order[0]) if order else None
    while current is not None:
        done = [
            r for r in more(current, "requires") if r in rows and rows[r]["status"] == "completed"
        ]
        if not done or done[0] in before or done[0] in order:
            break
        before.insert(0, done[0])
        current = cards.get(done[0])
    return before


def _state(row: dict[str, Any]) -> str:
    if row["status"] == "completed":
        return "done"
    return "in_progress" if row["status"] == "in_progress" or row["progress"] > 0 else "waiting"


def _score_key(score: float | None) -> float:
    """Highest score first, unscored last (as risk.by_score sorts)."""
    return -(score if score is not None else -1)


def _risks(cards: Sequence[dict[str, Any]]) -> dict[str, Any]:
    # A stable sort of the cards' risks in plan order: the order risk.by_score gives.
    found = sorted((r for c in cards for r in c["risks"]), key=lambda r: r[0])
    shown = [dict(r[1]) for r in found[:MAX_RISKS]]
    for r in shown:
        r["description"] = activity.clean(r["description"])
        r["mitigation"] = activity.clean(r["mitigation"]) if r["mitigation"] else None
    return {
        "alerts": shown,
        "more": max(0, len(found) - MAX_RISKS),
    }
