"""The checks behind `lint`, one function per part of the quality checklist. Each yields
(code, where, message, hint) for one milestone; `quality.lint` applies severities."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gitmilestone.analysis import graph
from gitmilestone.analysis.risk import risks_of
from gitmilestone.core import clock
from gitmilestone.core.model import Milestone
from gitmilestone.core.phases import inside
from gitmilestone.errors import CycleError, MilestoneError

_MEASURABLE = re.compile(r"\d|\b(all|every|none|zero|no)\b", re.IGNORECASE)
Where = tuple[str | int, ...]


@dataclass(frozen=True)
class LintSettings:
    min_weeks: float = 2
    max_weeks: float = 4
    max_task_hours: float = 16
    hours_per_day: float = 8
    days_per_week: int = 5
    severity: Mapping[str, str | bool] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> LintSettings:
        lint = config.get("lint") or {}
        cal = config.get("calendar") or {}
        return cls(
            float(lint.get("min_weeks", 2)),
            float(lint.get("max_weeks", 4)),
            float(lint.get("max_task_hours", 16)),
            float(cal.get("hours_per_day") or 8),
            len(cal.get("working_days") or ()) or 5,
            dict(lint.get("severity") or {}),
        )

    def severity_of(self, code: str, default: str) -> str:
        """The configured severity of rule `code` (error, warning, info or off)."""
        found = self.severity.get(code, default)
        return "off" if found is False else str(found)  # YAML 1.1 reads a plain `off` as false


@dataclass(frozen=True)
class Context:
    everyone: Mapping[str, Milestone]
    settings: LintSettings
    root: Path | None


Raw = tuple[str, Where, str, str]  # code, where, message, hint
Check = Callable[[Milestone, Context], Iterator[Raw]]


def duration_weeks(m: Milestone, s: LintSettings) -> tuple[float, str] | None:
    """Weeks from the timeline dates (inclusive), else from the hours (with buffer) on the
    working calendar; None when neither is known."""
    if m.estimated_start and m.estimated_end:
        try:
            days = (_date(m.estimated_end) - _date(m.estimated_start)).days + 1
        except ValueError:
            return None
        return round(days / 7, 1), "dates"
    hours = m.estimated_hours or sum(t.estimated_hours or 0 for t in m.tasks)
    if not hours:
        return None
    hours *= 1 + (m.buffer_percentage or 0) / 100
    return round(hours / s.hours_per_day / s.days_per_week, 1), "hours"


def _date(text: str) -> dt.date:
    return clock.parse_day(text)


def _duration(m: Milestone, ctx: Context) -> Iterator[Raw]:
    s = ctx.settings
    found = duration_weeks(m, s)
    if found is None:
        yield (
            "MS001",
            ("timeline",),
            "duration unknown: no start and end dates and no estimated hours",
            "set timeline.estimated_start/estimated_end or estimated_hours",
        )
        return
    weeks, basis = found
    if s.min_weeks <= weeks <= s.max_weeks:
        return
    shown = "from its dates" if basis == "dates" else "from its hours on the calendar"
    where: Where = ("timeline", "estimated_end") if basis == "dates" else ("timeline",)
    if weeks > s.max_weeks:
        yield (
            "MS001",
            where,
            f"lasts {weeks:g} weeks ({shown}), over {s.max_weeks:g}",
            ("split it into milestones of 2-4 weeks that each deliver something usable"),
        )
    else:
        yield (
            "MS001",
            where,
            f"lasts {weeks:g} weeks ({shown}), under {s.min_weeks:g}",
            ("merge it with a neighbour, or treat it as a task of a larger milestone"),
        )


def _criteria(m: Milestone, ctx: Context) -> Iterator[Raw]:
    items = m.raw.get("success_criteria") or []
    if not items:
        yield (
            "MS002",
            ("success_criteria",),
            "no success criteria",
            f'add measurable ones: git milestone criteria add {m.id} "p95 latency under 200 ms"',
        )
    elif not any(_measurable(c) for c in items):
        yield (
            "MS003",
            ("success_criteria",),
            "no success criterion is measurable",
            "state a number or a metric, e.g. 'p95 latency under 200 ms' or 'all 12 flows pass'",
        )


def _measurable(item: Any) -> bool:
    if isinstance(item, Mapping):
        return bool(item.get("metric")) or bool(_MEASURABLE.search(str(item.get("description"))))
    return bool(_MEASURABLE.search(str(item)))


def _dependencies(m: Milestone, ctx: Context) -> Iterator[Raw]:
    for i, req in enumerate(m.requires):
        if req not in ctx.everyone:
            yield (
                "MS004",
                ("dependencies", "requires", i),
                f"requires unknown milestone '{req}'",
                "fix the ID or remove it (`git milestone list` shows every ID)",
            )
    unmapped: list[str] = []
    for ti, t in enumerate(m.tasks):
        for di, dep in enumerate(t.dependencies):
            owner, _, tid = dep.rpartition("/")
            target = ctx.everyone.get(owner) if owner else m
            where: Where = ("tasks", ti, "dependencies", di)
            if target is None or target.task(tid) is None:
                yield (
                    "MS004",
                    where,
                    f"task {t.id} depends on unknown task '{dep}'",
                    "fix the ID (`git milestone task list` shows every task)",
                )
            elif owner and owner != m.id and owner not in m.requires and owner not in unmapped:
                unmapped.append(owner)
                yield (
                    "MS005",
                    where,
                    f"task {t.id} depends on {dep}, but dependencies.requires omits {owner}",
                    f"add {owner} to dependencies.requires so the milestone order shows it",
                )


def cycle(everyone: Sequence[Milestone]) -> tuple[str, str, set[str]] | None:
    """A dependency cycle as (message, hint, the milestones on it), unknown IDs aside."""
    ids = {m.id: m for m in everyone}

    def known(dep: str, m: Milestone) -> bool:
        owner, _, tid = dep.rpartition("/")
        target = ids.get(owner) if owner else m
        return target is not None and target.task(tid) is not None

    cleaned = [
        replace(
            m,
            requires=tuple(r for r in m.requires if r in ids),
            tasks=tuple(
                replace(t, dependencies=tuple(d for d in t.dependencies if known(d, m)))
                for t in m.tasks
            ),
        )
        for m in everyone
    ]
    try:
        graph.build(cleaned)
    except CycleError as err:
        return err.message, err.hint, {x.split("/")[0] for x in err.labels}
    except MilestoneError:
        pass  # unknown IDs and duplicates have rules of their own
    return None


def _risks(m: Milestone, ctx: Context) -> Iterator[Raw]:
    risks = risks_of(m)
    if not risks:
        yield (
            "MS007",
            ("risks",),
            "no risk assessment: no risks listed",
            f'assess what could go wrong: git milestone risk add {m.id} "..." --probability 0.3 '
            "--impact high --mitigation ...",
        )
    for r in risks:
        if r.status == "open" and not r.mitigation:
            yield (
                "MS008",
                ("risks", r.index),
                f"risk {r.ref} has no mitigation",
                f"git milestone risk update {r.ref} --mitigation '...'",
            )
        if r.probability is None or r.impact is None:
            yield (
                "MS009",
                ("risks", r.index),
                f"risk {r.ref} lacks its probability or impact",
                f"git milestone risk update {r.ref} --probability 0.2 --impact medium",
            )


def _tasks(m: Milestone, ctx: Context) -> Iterator[Raw]:
    if not m.tasks:
        yield (
            "MS016",
            ("tasks",),
            "no tasks: the milestone is not decomposed",
            f'add tasks of 1-2 days: git milestone task add {m.id} "..." --hours 8',
        )
    limit = ctx.settings.max_task_hours
    for i, t in enumerate(m.tasks):
        if t.status == "completed":
            continue
        if t.estimated_hours is None:
            yield (
                "MS011",
                ("tasks", i),
                f"task {t.id} has no estimate",
                f"git milestone set {m.id} tasks.{t.id}.estimated_hours=8",
            )
        elif t.estimated_hours > limit:
            yield (
                "MS010",
                ("tasks", i, "estimated_hours"),
                f"task {t.id} is estimated at {t.estimated_hours:g} h, over {limit:g} h",
                "split it into tasks of 1-2 days so progress stays visible",
            )


def _plan_fields(m: Milestone, ctx: Context) -> Iterator[Raw]:
    if not m.buffer_percentage:
        yield (
            "MS012",
            ("timeline", "buffer_percentage"),
            "no buffer for the unexpected",
            f"git milestone set {m.id} timeline.buffer_percentage=20",
        )
    if not m.raw.get("deliverables"):
        yield (
            "MS013",
            ("deliverables",),
            "no deliverables: what does it deliver on its own?",
            f'git milestone deliverable add {m.id} "..." -t code',
        )
    if m.priority == "critical" and not str(m.raw.get("rollback_plan") or "").strip():
        yield (
            "MS014",
            ("priority",),
            "critical milestone without a rollback plan",
            f"git milestone set {m.id} 'rollback_plan=How to undo it if it fails'",
        )
    res = m.raw.get("resources") or {}
    assigned = any(t.assigned_to for t in m.tasks)
    if not (res.get("team_members") or res.get("skills_required") or assigned):
        yield (
            "MS015",
            ("resources",),
            "no resources identified (team members, skills, task assignees)",
            f"git milestone set {m.id} 'resources.team_members=[alice]'",
        )


def _paths(m: Milestone, ctx: Context) -> Iterator[Raw]:
    if ctx.root is None:
        return
    found: list[tuple[Where, str]] = [
        (("deliverables", i, "path"), str(d["path"]))
        for i, d in enumerate(m.raw.get("deliverables") or ())
        if isinstance(d, Mapping) and d.get("path")
    ]
    for ti, t in enumerate(m.raw.get("tasks") or ()):
        phases = (t.get("kiro_workflow") or {}).get("phases") or {}
        for p, spec in phases.items():
            for di, d in enumerate((spec or {}).get("deliverables") or ()):
                if isinstance(d, Mapping) and d.get("path"):
                    where: Where = ("tasks", ti, "kiro_workflow", "phases", p, "deliverables", di)
                    found.append(((*where, "path"), str(d["path"])))
    for where, path in found:
        try:
            inside(ctx.root, path)
        except MilestoneError as err:
            yield "MS017", where, err.message, err.hint


def _stakeholders(m: Milestone, ctx: Context) -> Iterator[Raw]:
    """A critical milestone names who has a stake in it and what each of them expects."""
    if m.priority != "critical":
        return
    people = [s for s in m.raw.get("stakeholders") or () if isinstance(s, Mapping)]
    if not people:
        yield (
            "MS019",
            ("priority",),
            "critical milestone without stakeholders and their expectations",
            f'git milestone stakeholder add {m.id} "Name" --role ... --expects ...',
        )
    for i, s in enumerate(people):
        if not str(s.get("expectations") or "").strip():
            yield (
                "MS019",
                ("stakeholders", i),
                f"stakeholder {s.get('name')} has no expectations written down",
                f"ask them, then: git milestone set {m.id} 'stakeholders[{i}].expectations=...'",
            )


CHECKS: tuple[Check, ...] = (
    _duration,
    _criteria,
    _dependencies,
    _risks,
    _tasks,
    _plan_fields,
    _paths,
    _stakeholders,
)
