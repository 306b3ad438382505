"""Each person's load per week: what the unlevelled plan asks of them (their tasks at their
earliest dates, worked at the calendar's full day) against what they have (hours per week
less days off), and what the levelled schedule books. A week where the plan asks more than
the person has is overbooked: levelling then moves work later. Pure; no I/O."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis import cpm
from gitmilestone.analysis.capacity import Levelled, Member, assignee, team
from gitmilestone.core.model import Milestone, Settings

if TYPE_CHECKING:
    from gitmilestone.analysis.calendar import WorkCalendar
    from gitmilestone.analysis.schedule import Network


def _spread(net: Network, es: int, ef: int, into: dict[int, int]) -> None:
    """Minutes of [es, ef) that fall on each working day, at the calendar's rate."""
    dm = net.cal.day_minutes
    for day in range(es // dm, -(-ef // dm)):
        part = min(ef, (day + 1) * dm) - max(es, day * dm)
        if part > 0:
            into[day] = into.get(day, 0) + part


def by_person(
    net: Network, base: cpm.Cpm, lev: Levelled, people: Mapping[str, Member]
) -> list[dict[str, Any]]:
    """One row per person with open assigned work (or listed in the team), by name."""
    planned: dict[str, dict[int, int]] = {}
    tasks: dict[str, list[dict[str, Any]]] = {}
    for i in net.graph.order:
        who = assignee(net, i)
        if who is None:
            continue
        _spread(net, base.es[i], base.ef[i], planned.setdefault(who, {}))
        tasks.setdefault(who, []).append(_task(net, lev.result, i))
    names = sorted(set(planned) | set(people))
    return [
        _person(net, name, people.get(name) or Member(name), planned.get(name, {}), lev, tasks)
        for name in names
    ]


def _task(net: Network, r: cpm.Cpm, i: int) -> dict[str, Any]:
    cal = net.cal
    return {
        "id": net.graph.nodes[i].label,
        "title": net.graph.nodes[i].title,
        "hours": round(net.durations[i] / 60, 2),
        "start": cal.start_date(r.es[i]).isoformat(),
        "finish": cal.finish_date(r.es[i], r.ef[i]).isoformat(),
    }


def _person(
    net: Network,
    name: str,
    member: Member,
    planned: Mapping[int, int],
    lev: Levelled,
    tasks: Mapping[str, list[dict[str, Any]]],
) -> dict[str, Any]:
    booked = lev.booked.get(name, {})
    last = max([*planned, *booked], default=-1)
    while last >= 0 and _monday(net.cal.day(last + 1)) == _monday(net.cal.day(last)):
        last += 1  # whole weeks: what a person has that week, not up to the last task
    weeks: dict[dt.date, dict[str, float]] = {}
    for day in range(last + 1):
        date = net.cal.day(day)
        week = weeks.setdefault(_monday(date), dict.fromkeys(_KEYS, 0))
        week["capacity"] += member.minutes_on(date, net.cal)
        week["planned"] += planned.get(day, 0)
        week["booked"] += booked.get(day, 0)
    rows = [_week(monday, w) for monday, w in sorted(weeks.items())]
    return {
        "name": name,
        "hours_per_week": member.hours_per_week,
        "days_off": sorted(d.isoformat() for d in member.days_off),
        "weeks": rows,
        "overbooked_weeks": [r["week"] for r in rows if r["overbooked"]],
        "tasks": sorted(tasks.get(name, []), key=lambda t: (t["start"], t["finish"], t["id"])),
    }


_KEYS = ("capacity", "planned", "booked")


def _monday(date: dt.date) -> dt.date:
    return date - dt.timedelta(days=date.weekday())


def _week(monday: dt.date, w: Mapping[str, float]) -> dict[str, Any]:
    hours = {f"{k}_hours": round(w[k] / 60, 2) for k in _KEYS}
    return {"week": monday.isoformat(), **hours, "overbooked": w["planned"] > w["capacity"]}


def overbooked(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Who is overbooked, and in which weeks."""
    return [
        {"name": r["name"], "weeks": r["overbooked_weeks"]} for r in rows if r["overbooked_weeks"]
    ]


def plan(
    net: Network, config: Mapping[str, Any], enabled: bool = True
) -> tuple[cpm.Cpm, dict[str, Any], list[dict[str, Any]]]:
    """The schedule to show (levelled when tasks are assigned and `enabled`), what levelling
    changed, and each person's load."""
    from gitmilestone.analysis.capacity import level, needs_levelling

    base, people = net.solve(), team(config)
    lev = level(net, base, people)
    rows = by_person(net, base, lev, people)
    on = enabled and needs_levelling(net)
    cal, shown = net.cal, lev.result if on else base
    extra = {
        "levelled": on,
        "team": [r["name"] for r in rows],
        "unlevelled_finish": cal.finish_date(0, base.finish).isoformat() if base.finish else None,
        "levelling_delay_days": cal.days(lev.result.finish - base.finish) if on else 0,
        "overbooked": overbooked(rows),
    }
    return shown, extra, rows


# -- one milestone's window (for `analyze`) ------------------------------------------------


def window_capacity(
    m: Milestone, cal: WorkCalendar, end: dt.date, needed: float, config: Mapping[str, Any]
) -> tuple[list[str], dict[str, Any]]:
    """Whether the hours `needed` fit between the calendar's start and `end` for the people
    on the milestone (its team_members and its tasks' assignees), each with their own hours
    per week and days off; and who has more tasks than hours."""
    people = team(config)
    names = _people_on(m)
    days = [cal.day(i) for i in range(cal.days_through(end))]
    have = {
        n: sum((people.get(n) or Member(n)).minutes_on(d, cal) for d in days) / 60 for n in names
    }
    total = round(sum(have.values()), 1)
    data: dict[str, Any] = {
        "capacity_hours": total,
        "people": {n: round(h, 1) for n, h in have.items()},
    }
    if not names:
        one = round(len(days) * cal.hours_per_day, 1)
        data["capacity_hours"] = one
        head = f"{len(days)} working days x {cal.hours_per_day:g} h = {one:g} h per person"
        if needed <= one:
            return [f"{head}, nobody assigned: fits one person ({one - needed:g} h spare)"], data
        return [f"{head}, nobody assigned: needs {math.ceil(needed / one)} people"], data
    head = f"{len(days)} working days; " + " + ".join(f"{n} {have[n]:g} h" for n in names)
    fit = f"fits ({total - needed:g} h spare)" if needed <= total else f"{needed - total:g} h short"
    notes = [f"{head} = {total:g} h: {fit}"]
    for name, asked in _asked(m).items():
        if asked > have.get(name, 0) + 0.05:
            notes.append(
                f"{name}: {asked:g} h of tasks, {have.get(name, 0):g} h available:"
                f" overbooked by {asked - have.get(name, 0):g} h"
            )
    return notes, data


def _people_on(m: Milestone) -> list[str]:
    listed = (m.raw.get("resources") or {}).get("team_members") or ()
    names = [str(x.get("name") if isinstance(x, Mapping) else x) for x in listed]
    names += [t.assigned_to for t in m.tasks if t.assigned_to and t.status != "completed"]
    return list(dict.fromkeys(n for n in names if n))


def _asked(m: Milestone) -> dict[str, float]:
    """Open task hours (with the milestone's buffer) per assignee."""
    factor = 1 + float(m.buffer_percentage or 0) / 100
    asked: dict[str, float] = {}
    for t in m.tasks:
        if t.assigned_to and t.status != "completed" and t.estimated_hours:
            asked[t.assigned_to] = round(
                asked.get(t.assigned_to, 0) + t.estimated_hours * factor, 1
            )
    return asked


def projected(
    milestones: list[Milestone],
    config: Mapping[str, Any],
    settings: Settings,
    today: dt.date,
) -> dict[str, dict[str, Any]]:
    """Each open milestone's finish in the capacity-aware schedule from today; empty when the
    plan cannot be scheduled (a cycle, an unknown dependency: lint reports those)."""
    from gitmilestone.analysis import schedule
    from gitmilestone.analysis.calendar import WorkCalendar
    from gitmilestone.errors import MilestoneError

    buffer = (config.get("defaults") or {}).get("buffer_percentage") or 0
    try:
        net = schedule.build(milestones, WorkCalendar.from_config(config, today), settings, buffer)
        result, levelled, _ = plan(net, config)
    except MilestoneError:
        return {}
    rows = schedule.items(net, result)
    keep = ("finish", "slip_days", "deadline")
    return {
        r["id"]: {k: r[k] for k in keep} | {"levelled": levelled["levelled"]}
        for r in rows
        if r["kind"] == "milestone" and not r["done"]
    }
