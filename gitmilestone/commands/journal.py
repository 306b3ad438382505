"""Recording what a command changed, as a note event (see git/eventlog.py)."""

from __future__ import annotations

from gitmilestone.git.eventlog import record_event
from gitmilestone.storage.store import Store


def record(
    store: Store,
    event_type: str,
    milestone_id: str | None,
    task_id: str | None = None,
    **details: object,
) -> None:
    """Record an event of the plan in `store`, attached to HEAD (see record_event)."""
    record_event(store.paths, event_type, milestone_id, task_id, dict(details))
