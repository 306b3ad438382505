"""`log --jsonl`'s text: the events that count on this branch, each as its note line, in time
order. Shared by the executable, which answers `log --jsonl` without loading click, and the
click command, which takes every other form of `log`."""

from __future__ import annotations

from collections.abc import Iterable

from gitmilestone.core.events import Event, json_lines
from gitmilestone.core.untrusted import json_for_terminal
from gitmilestone.workspace import Workspace


def jsonl_text(ws: Workspace, events: Iterable[Event] | None = None) -> str:
    """One line per event (those that count on this branch unless `events` says which),
    nothing in it a terminal could act on (json_for_terminal). A log not read yet is read
    with its notes' lines written while git walks the history."""
    ws.lines_wanted = True
    log = ws.log
    chosen = log.scoped if events is None else events
    return json_for_terminal("\n".join(json_lines(chosen, log.note_lines)))
