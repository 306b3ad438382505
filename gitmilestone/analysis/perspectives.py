"""Three perspectives of `analyze`: decomposition (tasks too large, milestones without value of
their own), progress (velocity and what is trending late) and domains (frontend, backend,
infrastructure and the rest, by milestone category and task skills and labels). Each finding
comes with a suggested action. Pure; no I/O."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.analysis import graph
from gitmilestone.analysis.quality import LintSettings, duration_weeks
from gitmilestone.analysis.sections import Entry, Inputs
from gitmilestone.analysis.sections import day as _date
from gitmilestone.core.model import Milestone, Task, milestone_progress

VELOCITY_WEEKS = 4  # the recent past that sets the pace
DEFAULT_DOMAINS: Mapping[str, Sequence[str]] = {
    "frontend": ("frontend", "ui", "ux", "web", "mobile", "react", "css"),
    "backend": ("backend", "api", "api-design", "database", "server"),
    "infrastructure": ("infrastructure", "ci", "deploy", "deployment", "ops", "release"),
}


def _open(m: Milestone) -> list[Task]:
    return [t for t in m.tasks if t.status != "completed"]


# -- decomposition --------------------------------------------------------------------------


def decomposition(inp: Inputs) -> list[Entry]:
    limits = LintSettings.from_config(inp.config)
    enables = graph.derived_enables(inp.everyone)
    return [_decomposed(m, limits, enables.get(m.id, [])) for m in inp.targets]


def _decomposed(m: Milestone, limits: LintSettings, enables: list[str]) -> Entry:
    e = Entry(m.id)
    hours = sum(t.estimated_hours or 0 for t in m.tasks)
    big = [t for t in _open(m) if (t.estimated_hours or 0) > limits.max_task_hours]
    e.data |= {"tasks": len(m.tasks), "too_large": [t.id for t in big]}
    e.notes.append(f"{len(m.tasks)} tasks, {hours:g} h")
    if not m.tasks:
        e.notes.append("not decomposed: no tasks")
        e.actions.append(f'break it into tasks of 1-2 days: git milestone task add {m.id} "..."')
    for t in big:
        e.notes.append(f"{t.id} is {t.estimated_hours:g} h, over {limits.max_task_hours:g} h")
        e.actions.append(f"split {t.id} ({t.title}) into tasks of 1-2 days")
    heavy = [
        t for t in m.tasks if hours and len(m.tasks) > 2 and (t.estimated_hours or 0) > hours / 2
    ]
    for t in heavy:
        e.notes.append(f"{t.id} holds {100 * (t.estimated_hours or 0) / hours:.0f}% of the work")
    weeks = duration_weeks(m, limits)
    if weeks and weeks[0] > limits.max_weeks:
        e.notes.append(f"lasts {weeks[0]:g} weeks, over {limits.max_weeks:g}")
        e.actions.append("split it into milestones of 2-4 weeks that each deliver something")
    e.data["standalone_value"] = bool(m.deliverables)
    if not m.deliverables:
        e.notes.append("delivers nothing of its own: no deliverables")
        merge = f", or merge it into {enables[0]}, which builds on it" if len(enables) == 1 else ""
        e.actions.append(
            f'name what it delivers: git milestone deliverable add {m.id} "..."{merge}'
        )
    return e


# -- progress -------------------------------------------------------------------------------


def progress(inp: Inputs) -> list[Entry]:
    since = inp.today - dt.timedelta(weeks=VELOCITY_WEEKS)
    out = [_progress(m, inp, since) for m in inp.targets]
    everyone = [m for m in inp.everyone if not graph.is_closed(m)]
    pace = _velocity(inp.everyone, since, inp.today)
    left = sum(_left(m) for m in everyone)
    e = Entry("project", data={"velocity_hours_per_week": pace, "hours_left": left})
    e.notes.append(
        f"velocity {pace:g} h/week over the last {VELOCITY_WEEKS} weeks; {left:g} h left"
    )
    if pace and left:
        e.notes.append(f"at this pace the open work takes {left / pace:.1f} weeks")
    return [*out, e]


def _done_in(t: Task, since: dt.date, today: dt.date) -> bool:
    try:
        day = dt.date.fromisoformat(str(t.completed_at)[:10]) if t.completed_at else None
    except ValueError:
        return False
    return t.status == "completed" and day is not None and since < day <= today


def _velocity(milestones: Sequence[Milestone], since: dt.date, today: dt.date) -> float:
    """Estimated hours of the tasks completed in the window, per week."""
    hours = sum(
        t.estimated_hours or 0 for m in milestones for t in m.tasks if _done_in(t, since, today)
    )
    return round(hours / VELOCITY_WEEKS, 1)


def _left(m: Milestone) -> float:
    return float(sum(t.estimated_hours or 0 for t in _open(m)))


def _progress(m: Milestone, inp: Inputs, since: dt.date) -> Entry:
    pace, left = _velocity([m], since, inp.today), _left(m)
    done = milestone_progress(m, inp.settings)
    e = Entry(m.id, data={"velocity_hours_per_week": pace, "hours_left": left, "progress": done})
    e.notes.append(
        f"{done:.0f}% done; {pace:g} h/week over the last {VELOCITY_WEEKS} weeks; {left:g} h left"
    )
    if graph.is_closed(m) or not left:
        return e
    end, start = _date(m.estimated_end), _date(m.estimated_start)
    if not pace:
        e.data["trending_late"] = None  # no pace to project from
        if start is not None and start <= inp.today - dt.timedelta(weeks=1):
            e.notes.append(f"no task completed in the last {VELOCITY_WEEKS} weeks")
            e.actions.append(
                "find what holds it up: git milestone deps --blocked; git milestone alerts"
            )
        return e
    finish = inp.today + dt.timedelta(days=math.ceil(7 * left / pace))
    e.data["projected_finish"] = finish.isoformat()
    if end is not None and finish > end:
        e.data["trending_late"] = True
        e.notes.append(f"trending late: at this pace done about {finish}, after its end {end}")
        e.actions.append(
            "add people, cut scope, or move timeline.estimated_end (and tell its stakeholders)"
        )
    else:
        e.data["trending_late"] = False
        e.notes.append(f"on track: at this pace done about {finish}")
    return e


# -- domains --------------------------------------------------------------------------------


def domains(inp: Inputs) -> list[Entry]:
    keywords = _keywords(inp.config)
    work: dict[str, list[tuple[Milestone, Task]]] = {}
    owners: dict[str, set[str]] = {}
    for m in inp.targets:
        own = _domain_of([m.category], keywords)
        owners.setdefault(own, set()).add(m.id)
        for t in m.tasks:
            raw = m.raw_task(t.id) or {}
            tags = [*(raw.get("skills") or ()), *(raw.get("labels") or ())]
            domain = _domain_of(tags, keywords) if tags else own
            domain = own if domain == "other" else domain
            work.setdefault(domain, []).append((m, t))
    names = [d for d in keywords if d in work or d in owners]
    names += sorted((set(work) | set(owners)) - set(names))
    return [_domain(d, sorted(owners.get(d, ())), work.get(d, [])) for d in names]


def _keywords(config: Mapping[str, Any]) -> dict[str, set[str]]:
    found = (config.get("analysis") or {}).get("domains") or DEFAULT_DOMAINS
    return {str(d): {str(w).lower() for w in (*words, d)} for d, words in found.items()}


def _domain_of(tags: Sequence[Any], keywords: Mapping[str, set[str]]) -> str:
    for tag in tags:
        for domain, words in keywords.items():
            if str(tag).lower() in words:
                return domain
    return "other"


def _domain(name: str, milestones: list[str], work: list[tuple[Milestone, Task]]) -> Entry:
    open_ = [(m, t) for m, t in work if t.status != "completed"]
    hours = sum(t.estimated_hours or 0 for _, t in open_)
    people: dict[str, float] = {}
    for _, t in open_:
        if t.assigned_to:
            people[t.assigned_to] = people.get(t.assigned_to, 0) + (t.estimated_hours or 0)
    e = Entry(name, data={"milestones": milestones, "tasks": len(work), "open_hours": hours})
    e.data["people"] = people
    done = len(work) - len(open_)
    where = f" (category of {', '.join(milestones)})" if milestones else ""
    count = f"{len(work)} task{'s' if len(work) != 1 else ''}"
    e.notes.append(f"{count}, {done} done, {hours:g} h open{where}")
    _domain_findings(e, name, open_, hours, people)
    return e


def _domain_findings(
    e: Entry, name: str, open_: list[tuple[Milestone, Task]], hours: float, people: dict[str, float]
) -> None:
    loose = sum(t.estimated_hours or 0 for _, t in open_ if not t.assigned_to)
    if loose:
        e.notes.append(f"{loose:g} h of {name} work has no one assigned")
        e.actions.append(
            f"assign the {name} tasks: git milestone set ID tasks.TASK.assigned_to=NAME"
        )
    if hours and len(people) == 1 and len(open_) > 1:
        who = next(iter(people))
        e.notes.append(f"all assigned {name} work is on {who}")
        e.actions.append(
            f"pair someone with {who} on {name} work, so it does not stop when they do"
        )
    for m, t in open_:
        if t.status == "blocked":
            e.notes.append(
                f"{m.id}/{t.id} is blocked" + (f": {t.blocked_reason}" if t.blocked_reason else "")
            )
            e.actions.append(f"unblock {m.id}/{t.id} or plan around it")
