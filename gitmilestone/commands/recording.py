"""A command's file change and the event that describes it, made so that a crash between the
two loses no event: the event is queued durably (fsync'd pending file) just before the file
is renamed into place, then moved into the notes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from gitmilestone.core.events import Event
from gitmilestone.git import eventlog
from gitmilestone.storage.store import Store


@dataclass
class Pending:
    """The event to record; the change may still fill in the task it created."""

    event_type: str
    milestone_id: str | None
    task_id: str | None = None
    details: dict[str, Any] = field(default_factory=dict)


def build(store: Store, p: Pending) -> Event:
    """The event, as part of the work session open in this work tree, if any."""
    from gitmilestone.commands.journal import user_context
    from gitmilestone.git.localstate import active_session

    session = active_session(store.paths.common_dir, store.paths.git_dir)
    return eventlog.new_event(
        store.paths.root,
        p.event_type,
        p.milestone_id,
        p.task_id,
        dict(p.details) | {"user_context": user_context(store.paths)},
        session_id=session.get("session_id") if session else None,
    )


@contextlib.contextmanager
def recording(
    store: Store, event_type: str, milestone_id: str | None, **details: object
) -> Iterator[Pending]:
    """Record an event for the file write made inside the block: queued before the write
    becomes visible, attached to HEAD's note after. Without a write (nothing changed), the
    event is recorded at the end all the same."""
    pending = Pending(event_type, milestone_id, details=dict(details))
    queued: list[Event] = []

    def before_write() -> None:
        if not queued:
            queued.append(build(store, pending))
            eventlog.queue(store.paths.common_dir, queued)

    store.before_write = before_write
    try:
        yield pending
    finally:
        store.before_write = None
    if queued:
        eventlog.record(store.paths.root, store.paths.common_dir, [], hold=True)
    else:
        eventlog.record(
            store.paths.root, store.paths.common_dir, [build(store, pending)], hold=True
        )
