"""One readable line per event, for `log` and the dashboards.

Event details come from other people's clones: every value is turned into a bounded, single-line
string here, so no renderer meets a newline, a control character or a megabyte of text."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gitmilestone.core.events import Event

MAX_TEXT = 160


def clean(value: object, limit: int = MAX_TEXT) -> str:
    """A value as one printable line of at most `limit` characters."""
    if isinstance(value, list | tuple):
        value = "; ".join(str(v) for v in value[:20])
    text = " ".join("".join(c if c.isprintable() else " " for c in str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def ref_of(e: Event) -> str:
    return (e.milestone_id or "-") + (f"/{e.task_id}" if e.task_id else "")


def who(e: Event) -> str:
    """The author's name without the e-mail address."""
    return clean((e.author or "?").split(" <")[0], 60)


def _d(e: Event, key: str) -> str:
    return clean(e.details.get(key) or "")


def _with(text: str, extra: str, sep: str = ": ") -> str:
    return f"{text}{sep}{extra}" if extra else text


def _risk(e: Event, verb: str) -> str:
    d = e.details
    level = clean(d.get("level") or "", 10)
    odds = ""
    if d.get("probability") is not None or d.get("impact"):
        odds = f" (p={clean(d.get('probability'), 8)}, impact {clean(d.get('impact'), 10)})"
    head = f"{verb} {level + ' ' if level else ''}risk"
    return _with(head, _d(e, "description")) + odds


def _phase(e: Event, verb: str) -> str:
    phase = clean(e.details.get("phase") or "?", 20)
    text = f"{verb} the {phase} phase of {ref_of(e)}"
    if e.event_type == "phase_completed" and e.details.get("gate"):
        text += f", waiting at gate {clean(e.details['gate'], 40)}"
    if e.event_type == "phase_approved" and e.details.get("approver"):
        text += f" (by {clean(e.details['approver'], 60)})"
    return text


def _hours(value: object) -> str:
    try:
        return f"{float(str(value)):g}h"
    except ValueError:
        return "?h"


_SUMMARY: Mapping[str, Callable[[Event], str]] = {
    "milestone_created": lambda e: _with(f"Created milestone {ref_of(e)}", _d(e, "notes")),
    "milestone_completed": lambda e: f"Completed milestone {ref_of(e)}",
    "task_added": lambda e: _with(f"Added task {ref_of(e)}", _d(e, "notes")),
    "task_started": lambda e: f"Started {ref_of(e)}",
    "task_blocked": lambda e: _with(f"Blocked {ref_of(e)}", _d(e, "blockers_encountered")),
    "task_completed": lambda e: f"Completed {ref_of(e)}",
    "task_updated": lambda e: f"Updated {ref_of(e)}",
    "task_worked": lambda e: f"Worked on {ref_of(e)}",
    "progress_updated": lambda e: (
        f"{ref_of(e)} at {clean(e.details.get('progress_percentage'), 4)}%"
    ),
    "time_logged": lambda e: f"Logged {_hours(e.details.get('time_spent'))} on {ref_of(e)}",
    "blocker_reported": lambda e: _with(f"Blocker on {ref_of(e)}", _d(e, "blockers_encountered")),
    "commit_linked": lambda e: f"Commit for {ref_of(e)}",
    "criterion_added": lambda e: _with(f"Success criterion for {ref_of(e)}", _d(e, "notes")),
    "deliverable_added": lambda e: _with(f"Deliverable for {ref_of(e)}", _d(e, "notes")),
    "fields_set": lambda e: _with(f"Changed {ref_of(e)}", _d(e, "fields"), ": set "),
    "risk_identified": lambda e: _risk(e, "Identified"),
    "risk_updated": lambda e: _risk(e, "Updated"),
    "risk_closed": lambda e: _with(_risk(e, "Closed"), _d(e, "notes"), " — "),
    "phase_started": lambda e: _phase(e, "Started"),
    "phase_completed": lambda e: _phase(e, "Completed"),
    "phase_approved": lambda e: _phase(e, "Approved"),
    "session_started": lambda e: f"Started a work session on {ref_of(e)}",
    "session_paused": lambda e: _with(f"Paused work on {ref_of(e)}", _d(e, "notes")),
    "session_resumed": lambda e: f"Resumed work on {ref_of(e)}",
    "session_ended": lambda e: _with(f"Ended the work session on {ref_of(e)}", _d(e, "notes")),
}


def summary(e: Event) -> str:
    """What happened, in words; an event type this version does not know still reads well."""
    known = _SUMMARY.get(e.event_type)
    if known is not None:
        return known(e)
    words = clean(e.event_type.replace("_", " "), 40).capitalize()
    return _with(f"{words} ({ref_of(e)})", _d(e, "notes"))


def row(e: Event) -> dict[str, Any]:
    """An event as the dashboards show it."""
    return {
        "timestamp": e.timestamp,
        "event_type": e.event_type,
        "ref": ref_of(e),
        "milestone_id": e.milestone_id,
        "task_id": e.task_id,
        "summary": summary(e),
        "author": who(e),
        "commit": e.commit,
    }


def log_line(e: Event) -> str:
    """One line of `git milestone log`."""
    where = f"{e.commit[:8]}, " if e.commit else ""
    stamp = e.timestamp[:16].replace("T", " ")
    return f"{stamp}  {e.event_type:<18} {ref_of(e):<24} {summary(e)}  ({where}{who(e)})"
