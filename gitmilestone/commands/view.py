"""The computed view: status = fold(plan at this work tree, events in git)."""

from __future__ import annotations

from gitmilestone.core.events import Event, overlay, task_facts
from gitmilestone.core.model import Milestone
from gitmilestone.git import eventlog
from gitmilestone.storage.store import Store


def current(store: Store) -> tuple[list[Milestone], list[str]]:
    """Milestones with every event laid over them, and the problems met reading the log."""
    milestones, doubled = store.counted()
    events, problems = eventlog.all_events(store.paths.root, cache_dir=store.paths.local_dir)
    return overlay(milestones, task_facts(events)), doubled + problems


def events(store: Store) -> tuple[list[Event], list[str]]:
    store.require_initialized()
    return eventlog.all_events(store.paths.root, cache_dir=store.paths.local_dir)


def record(
    store: Store,
    event_type: str,
    milestone_id: str | None,
    task_id: str | None = None,
    **details: object,
) -> None:
    """Record what a command changed as a note event (attached to HEAD), as part of the work
    session open in this work tree, if any."""
    from gitmilestone.commands.recording import Pending, build

    event = build(store, Pending(event_type, milestone_id, task_id, dict(details)))
    eventlog.record(store.paths.root, store.paths.common_dir, [event])
