"""`log --jsonl`'s text: the events that count on this branch, each as its note line, in time
order. Shared by the executable, which answers `log --jsonl` without loading click, and the
click command, which takes every other form of `log`."""

from __future__ import annotations

from collections.abc import Iterable

from gitmilestone.core.events import Event, json_lines
from gitmilestone.core.untrusted import json_for_terminal


def jsonl_text(events: Iterable[Event]) -> str:
    """One line per event, nothing in it a terminal could act on (json_for_terminal)."""
    return json_for_terminal("\n".join(json_lines(events)))
