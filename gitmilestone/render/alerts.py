"""Alerts as lines: one per alert, grouped by kind, most pressing first."""

from __future__ import annotations

from collections.abc import Sequence

from gitmilestone.commands.alerts import Alert

HEADINGS = {
    "overdue": "OVERDUE",
    "due_soon": "DUE SOON",
    "blocked": "BLOCKED",
    "risk": "RISKS WITHOUT MITIGATION",
    "gate": "WAITING FOR APPROVAL",
    "paused": "PAUSED WORK",
}


def alert_lines(found: Sequence[Alert]) -> list[str]:
    if not found:
        return ["No alerts: nothing overdue, due soon, blocked, unmitigated or waiting."]
    out: list[str] = []
    width = max(len(a.subject) for a in found)
    for kind, heading in HEADINGS.items():
        mine = [a for a in found if a.kind == kind]
        if not mine:
            continue
        out += ["", heading] if out else [heading]
        out += [f"  {a.subject:<{width}}  {a.message}" for a in mine]
    n = len(found)
    return [*out, "", f"{n} alert{'s' if n != 1 else ''}"]
