"""The shapes of the `analyze` report: what every perspective reads (Inputs) and what it gives
back (Sections of Entries, each with notes, suggested actions and data for JSON)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitmilestone.core import clock
from gitmilestone.core.model import Milestone, Settings


@dataclass(frozen=True)
class Inputs:
    targets: Sequence[Milestone]  # what the report is about
    everyone: Sequence[Milestone]  # the whole plan, for cross-milestone views
    config: Mapping[str, Any]
    settings: Settings
    today: dt.date
    root: Path | None = None
    # milestone -> its row of the capacity-aware schedule (finish, slip_days), when known
    projected: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)


@dataclass
class Entry:
    subject: str  # a milestone ID, "project", or a domain
    notes: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)  # what to do about the findings


@dataclass
class Section:
    key: str
    title: str
    entries: list[Entry] = field(default_factory=list)
    error: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "error": self.error,
            "entries": [
                {"subject": e.subject, "notes": e.notes, "actions": e.actions, **e.data}
                for e in self.entries
            ],
        }


def day(text: object) -> dt.date | None:
    """A YYYY-MM-DD value from a file, or None when it is missing or not a date (lint and
    validate report bad dates; a report skips what it cannot read)."""
    try:
        return clock.parse_day(text) if text else None
    except ValueError:
        return None
