"""Facts in history that name a task the plan does not have: a typo committed with
--no-verify or before the hooks were installed, or a task since removed. They change nothing
in the view (no task to lay them over), so `validate` and `log` point them out instead of
staying silent."""

from __future__ import annotations

from collections.abc import Iterable

from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone


def stray(events: Iterable[Event], plan: Iterable[Milestone]) -> list[Event]:
    """The events naming a (milestone, task) pair that is not in the plan."""
    known = {(m.id, t.id) for m in plan for t in m.tasks}
    return [
        e
        for e in events
        if e.milestone_id and e.task_id and (e.milestone_id, e.task_id) not in known
    ]


def describe(e: Event) -> tuple[str, str]:
    """Where the fact is (its commit) and what is wrong with it."""
    said = e.details.get("trailer") or e.event_type
    where = f"commit {e.commit[:10]}" if e.commit else "an event waiting for a commit"
    return where, f"{said} names {e.milestone_id}/{e.task_id}, which is not in the plan"
