"""The levelled schedule's headline and each person's load per week, as lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.render.analysis import table

Row = Mapping[str, Any]


def levelled_lines(levelled: Row) -> list[str]:
    """What levelling did, under the schedule's headline (nothing when it did not apply)."""
    if not levelled["levelled"]:
        return []
    people = ", ".join(levelled["team"])
    delay = levelled["levelling_delay_days"]
    moved = (
        f"{delay:g} working days later than {levelled['unlevelled_finish']} without levelling"
        if delay > 0
        else "no later than without levelling"
    )
    out = [f"Levelled for {len(levelled['team'])} people ({people}): {moved}"]
    out += [f"Overbooked: {_overbooked(levelled['overbooked'])}"] if levelled["overbooked"] else []
    return out


def _overbooked(found: Sequence[Row]) -> str:
    return "; ".join(f"{r['name']} (weeks of {', '.join(r['weeks'])})" for r in found)


def person_lines(data: Row) -> list[str]:
    people = data["people"]
    if not people:
        return ["No one is assigned open work. Assign tasks with: git milestone task add ..."]
    out = [f"Load per person and week from {data['from']} (hours; ! = overbooked)"]
    for p in people:
        out += ["", _who(p)]
        rows = [
            (
                r["week"],
                f"{r['capacity_hours']:g}",
                f"{r['planned_hours']:g}" + (" !" if r["overbooked"] else ""),
                f"{r['booked_hours']:g}",
            )
            for r in p["weeks"]
        ]
        out += table(("WEEK OF", "HAS", "PLAN ASKS", "BOOKED"), rows)
        out += [f"  {t['id']}  {t['start']} -> {t['finish']}  {t['title']}" for t in p["tasks"]]
    out += ["", *levelled_lines(data)] if data["levelled"] else []
    return out


def _who(p: Row) -> str:
    hours = f"{p['hours_per_week']:g} h/week" if p["hours_per_week"] is not None else "full time"
    off = f"; days off {', '.join(p['days_off'])}" if p["days_off"] else ""
    flag = f"; OVERBOOKED in {len(p['overbooked_weeks'])} week(s)" if p["overbooked_weeks"] else ""
    return f"{p['name']} ({hours}{off}){flag}"
