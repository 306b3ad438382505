"""Facts recorded beside a plan edit: the milestone's actual start (set once, when its first
task starts) and one event per dependency a `set` adds or removes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from gitmilestone.commands.journal import record
from gitmilestone.core import clock
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone
from gitmilestone.storage.store import Store

# Events that show work on a task began (a task added or planned has not started).
STARTED = ("task_started", "task_worked", "progress_updated", "task_completed", "phase_started")


def start_updates(m: Milestone, day: str | None = None) -> dict[str, Any]:
    """{"timeline.actual_start": day} while the milestone has none, else nothing."""
    if (m.raw.get("timeline") or {}).get("actual_start"):
        return {}
    return {"timeline.actual_start": day or clock.seconds()[:10]}


def first_start(events: Iterable[Event], milestone_id: str) -> str | None:
    """The UTC day of the first event showing work on one of the milestone's tasks."""
    days = [
        e.timestamp
        for e in events
        if e.milestone_id == milestone_id and e.task_id and e.event_type in STARTED
    ]
    return clock.parse_stamp(min(days, key=clock.parse_stamp)).date().isoformat() if days else None


def requires(raw: Mapping[str, Any]) -> list[str]:
    found = (raw.get("dependencies") or {}).get("requires") or []
    return [str(x) for x in found] if isinstance(found, list) else []


def record_dependencies(store: Store, mid: str, before: list[str], after: list[str]) -> None:
    """dependency_added / dependency_removed, one per milestone ID, in the file's order."""
    for dep in after:
        if dep not in before:
            record(store, "dependency_added", mid, dependency=dep)
    for dep in before:
        if dep not in after:
            record(store, "dependency_removed", mid, dependency=dep)
