"""Burndown and burn-up series from the event history: per calendar day, the scope (effort of
the tasks planned by then), the effort completed and the effort remaining.

Effort is a task's estimated hours (1 where it has none, as for progress). A task joins the
scope on its task_added event, else when its milestone was created; it is done on its first
task_completed event (a `Completes:` trailer or `task done`), else on the completed_at in the
file. A task that is done without any date counts as done from the first day of the series."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from gitmilestone.analysis.graph import is_closed
from gitmilestone.core import clock
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone, Task


@dataclass(frozen=True)
class Dated:
    weight: float
    added: dt.date | None  # None: before the series starts
    done: dt.date | None
    is_done: bool


def _day(stamp: object) -> dt.date | None:
    try:
        return clock.parse_day(stamp) if stamp else None
    except ValueError:
        return None


def _first_dates(events: Iterable[Event]) -> dict[tuple[str, str | None, str], dt.date]:
    """The first day of each (milestone, task, event type) that matters here."""
    first: dict[tuple[str, str | None, str], dt.date] = {}
    kinds = ("task_added", "task_completed", "milestone_created")
    for e in events:
        day = _day(e.timestamp)
        if e.event_type not in kinds or not e.milestone_id or day is None:
            continue
        key = (e.milestone_id, e.task_id, e.event_type)
        if key not in first or day < first[key]:
            first[key] = day
    return first


def dated_tasks(milestones: Sequence[Milestone], events: Iterable[Event]) -> list[Dated]:
    first = _first_dates(events)
    out = []
    for m in milestones:
        created = first.get((m.id, None, "milestone_created")) or _day(m.raw.get("created_at"))
        for t in m.tasks:
            out.append(_dated(m, t, first, created))
    return out


def _dated(
    m: Milestone,
    t: Task,
    first: dict[tuple[str, str | None, str], dt.date],
    created: dt.date | None,
) -> Dated:
    added = first.get((m.id, t.id, "task_added")) or created
    done_day = first.get((m.id, t.id, "task_completed")) or _day(t.completed_at)
    finished = t.status == "completed" or is_closed(m)
    if finished and done_day is None and is_closed(m):
        done_day = _day(m.raw.get("completed_at"))
    return Dated(t.weight, added, done_day if finished else None, finished)


def series(tasks: Sequence[Dated], since: dt.date | None, until: dt.date) -> list[dict[str, Any]]:
    """One point per day from `since` (default: the first dated fact) through `until`."""
    known = [d for t in tasks for d in (t.added, t.done) if d is not None]
    start = since or min(known, default=until)
    if start > until:
        return []
    scope_on, done_on = _changes(tasks, start)
    out: list[dict[str, Any]] = []
    scope, done, count, closed = 0.0, 0.0, 0, 0
    day = start
    while day <= until:
        ds, dn = scope_on.get(day, (0.0, 0)), done_on.get(day, (0.0, 0))
        change = ds[0] if out else 0.0
        scope, count = scope + ds[0], count + ds[1]
        done, closed = done + dn[0], closed + dn[1]
        out.append(_point(day, scope, done, change, count, closed))
        day += dt.timedelta(days=1)
    return out


def _changes(
    tasks: Sequence[Dated], start: dt.date
) -> tuple[dict[dt.date, tuple[float, int]], dict[dt.date, tuple[float, int]]]:
    """Effort and count added and completed per day; anything earlier lands on `start`."""
    scope: dict[dt.date, tuple[float, int]] = {}
    done: dict[dt.date, tuple[float, int]] = {}
    for t in tasks:
        _add(scope, max(t.added or start, start), t.weight)
        if t.is_done:
            _add(done, max(t.done or start, t.added or start, start), t.weight)
    return scope, done


def _add(table: dict[dt.date, tuple[float, int]], day: dt.date, weight: float) -> None:
    hours, count = table.get(day, (0.0, 0))
    table[day] = (hours + weight, count + 1)


def _point(
    day: dt.date, scope: float, done: float, change: float, count: int, closed: int
) -> dict[str, Any]:
    return {
        "date": day.isoformat(),
        "scope_hours": round(scope, 2),
        "completed_hours": round(done, 2),
        "remaining_hours": round(scope - done, 2),
        "scope_change": round(change, 2),
        "tasks": count,
        "tasks_completed": closed,
    }


def report(
    milestones: Sequence[Milestone],
    events: Iterable[Event],
    scope: str | None,
    since: dt.date | None,
    until: dt.date,
) -> dict[str, Any]:
    """The burndown/burn-up series of one milestone or of the project, as `--json` prints it."""
    chosen = [m for m in milestones if scope is None or m.id == scope]
    tasks = dated_tasks(chosen, events)
    points = series(tasks, since, until)
    return {
        "scope": scope or "project",
        "unit": "hours",
        "undated_completions": sum(1 for t in tasks if t.is_done and t.done is None),
        "days": points,
    }
