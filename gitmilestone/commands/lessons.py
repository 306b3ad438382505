"""The figures a completed milestone's lessons-learned section records: estimated vs actual
hours per task, the slip against the planned end, the efficiency ratio, the blockers met and
which risks happened."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from gitmilestone.core import clock
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone
from gitmilestone.workspace import Workspace

BLOCKING = ("blocker_reported", "task_blocked")


def actual_lines(
    m: Milestone, time: Mapping[str, Any], events: Iterable[Event], end: str
) -> list[str]:
    """Markdown lines for the section; `time` is status.times' entry for `m`, `end` the
    actual end day (YYYY-MM-DD)."""
    return [
        *_hours(m, time),
        _slip(m.estimated_end, end),
        *_blockers(m, events),
        *_risks(m.raw.get("risks") or ()),
    ]


def _hours(m: Milestone, time: Mapping[str, Any]) -> list[str]:
    spent = time.get("tasks") or {}
    actual = float(time.get("actual_hours") or 0)
    ratio = time.get("efficiency")
    lines = [
        f"- Hours: {float(time.get('estimated_hours') or 0):g} estimated, {actual:g} actual"
        + (f"; efficiency {ratio:.2f} (estimated / actual)" if ratio is not None else ""),
    ]
    for t in m.tasks:
        est = "?" if t.estimated_hours is None else f"{t.estimated_hours:g}"
        lines.append(f"  - {t.id} {t.title}: {est} h estimated, {spent.get(t.id, 0):g} h actual")
    return lines


def _slip(planned: str | None, end: str) -> str:
    if not planned:
        return f"- Schedule: ended {end}; no planned end to compare with"
    try:
        days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(str(planned)[:10])).days
    except ValueError:
        return f"- Schedule: ended {end}; planned end '{planned}' is not a date"
    word = "late" if days > 0 else "early" if days < 0 else "on time"
    amount = f"{abs(days)} day{'s' if abs(days) != 1 else ''} " if days else ""
    return f"- Schedule: planned end {str(planned)[:10]}, actual {end}: {amount}{word}"


def _blockers(m: Milestone, events: Iterable[Event]) -> list[str]:
    found: dict[str, str] = {}
    for e in events:
        if e.milestone_id == m.id and e.event_type in BLOCKING:
            for text in e.details.get("blockers_encountered") or ():
                found.setdefault(str(text), e.task_id or m.id)
    for t in m.tasks:
        if t.blocked_reason:
            found.setdefault(t.blocked_reason, t.id)
    if not found:
        return ["- Blockers: none recorded"]
    return ["- Blockers met:", *(f"  - {where}: {text}" for text, where in found.items())]


def _risks(risks: Iterable[Any]) -> list[str]:
    happened, spared = [], []
    for r in risks:
        if not isinstance(r, Mapping):
            continue
        text = f"{r.get('id') or '?'} {r.get('description') or ''}".strip()
        if r.get("occurred") or (r.get("status") == "closed" and r.get("resolution")):
            why = r.get("resolution") or "occurred"
            happened.append(f"  - {text} ({why})")
        else:
            spared.append(f"  - {text} ({r.get('status') or 'open'})")
    if not (happened or spared):
        return ["- Risks: none identified"]
    return [
        f"- Risks that happened: {len(happened)}",
        *happened,
        f"- Risks that did not: {len(spared)}",
        *spared,
    ]


def for_completion(ws: Workspace, ref: str) -> list[str]:
    """The figures for completing `ref` now, from the plan with this branch's facts."""
    from gitmilestone.commands.status import times

    m = ws.milestone(ref)
    return actual_lines(m, times(ws, [m])[m.id], ws.log.scoped, clock.seconds()[:10])
