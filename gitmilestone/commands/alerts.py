"""`git milestone alerts`: what needs someone's attention now, for people who do not look at the
plan every day (and for CI and cron). Each kind of alert has a threshold under `alerts:` in
milestone-config.yaml. `gather` reads the plan, its events and the work sessions once; the
rules over them are pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis.graph import is_closed
from gitmilestone.analysis.risk import LEVELS, Thresholds, risks_of
from gitmilestone.commands.sessions import Session
from gitmilestone.core import phases
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone

if TYPE_CHECKING:
    from gitmilestone.workspace import Workspace

KINDS = ("overdue", "due_soon", "blocked", "risk", "gate", "paused")
DEFAULTS: Mapping[str, Any] = {
    "due_within_days": 7,
    "blocked_days": 2,
    "paused_days": 3,
    "gate_days": 0,
    "risk_level": "high",
}


@dataclass(frozen=True)
class Alert:
    kind: str  # one of KINDS
    subject: str  # M-001, M-001/task-002, M-001/R-001 or a session id
    message: str
    days: int | None = None  # how long it has been so (or, for due_soon, how long is left)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Rules:
    due_within_days: int = 7
    blocked_days: int = 2
    paused_days: int = 3
    gate_days: int = 0
    risk_level: str = "high"
    thresholds: Thresholds = field(default_factory=Thresholds)
    config: Mapping[str, Any] = field(default_factory=dict)  # approval gates live there

    @classmethod
    def from_config(cls, config: Mapping[str, Any], due_within: int | None = None) -> Rules:
        found = {**DEFAULTS, **(config.get("alerts") or {})}
        if due_within is not None:
            found["due_within_days"] = due_within
        return cls(**found, thresholds=Thresholds.from_config(config), config=config)


def gather(
    ws: Workspace, today: dt.date, due_within: int | None = None
) -> tuple[list[Alert], list[str]]:
    """The alerts of this work tree's plan, with the events of its branch laid over it and
    every work session of the repository; and the problems met reading the event log."""
    from gitmilestone.commands.status import work_sessions

    rules = Rules.from_config(ws.store.config(), due_within)
    found = alerts(ws.plan(), ws.log.scoped, work_sessions(ws), rules, today)
    return found, ws.log.problems


def alerts(
    milestones: Sequence[Milestone],
    events: Iterable[Event],
    sessions: Iterable[Session],
    rules: Rules,
    today: dt.date,
) -> list[Alert]:
    """Every alert, most pressing kind first, then by subject."""
    open_ms = [m for m in milestones if not is_closed(m)]
    found = _dates(open_ms, rules, today)
    found += _blocked(open_ms, _blocked_since(events), rules, today)
    found += _risks(open_ms, rules)
    found += _gates(open_ms, rules, today)
    found += _paused(sessions, rules, today)
    return sorted(found, key=lambda a: (KINDS.index(a.kind), a.subject))


def _day(text: object) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else None
    except ValueError:
        return None  # a bad date is lint's to report, not a reason to hide other alerts


def _dates(milestones: Sequence[Milestone], rules: Rules, today: dt.date) -> list[Alert]:
    out = []
    for m in milestones:
        end = _day(m.estimated_end)
        if end is None:
            continue
        left = (end - today).days
        if left < 0:
            out.append(Alert("overdue", m.id, f"{m.title}: due {end}, {-left} days ago", -left))
        elif left <= rules.due_within_days:
            when = "today" if left == 0 else f"in {left} day{'s' if left != 1 else ''}"
            out.append(Alert("due_soon", m.id, f"{m.title}: due {when} ({end})", left))
    return out


def _blocked_since(events: Iterable[Event]) -> dict[tuple[str, str], str]:
    """When each task was last marked blocked, from its task_blocked events."""
    since: dict[tuple[str, str], str] = {}
    for e in events:
        if e.event_type == "task_blocked" and e.milestone_id and e.task_id:
            key = (e.milestone_id, e.task_id)
            since[key] = max(since.get(key, ""), e.timestamp)
    return since


def _blocked(
    milestones: Sequence[Milestone],
    since: Mapping[tuple[str, str], str],
    rules: Rules,
    today: dt.date,
) -> list[Alert]:
    out = []
    for m in milestones:
        for t in m.tasks:
            if t.status != "blocked":
                continue
            start = _day(since.get((m.id, t.id)))
            days = (today - start).days if start else None
            if days is not None and days <= rules.blocked_days:
                continue
            why = f": {t.blocked_reason}" if t.blocked_reason else ""
            how_long = f"for {days} days" if days is not None else "(since when is not recorded)"
            out.append(
                Alert("blocked", f"{m.id}/{t.id}", f"{t.title} blocked {how_long}{why}", days)
            )
    return out


def _risks(milestones: Sequence[Milestone], rules: Rules) -> list[Alert]:
    wanted = LEVELS[: LEVELS.index(rules.risk_level) + 1]
    out = []
    for m in milestones:
        for r in risks_of(m):
            level = rules.thresholds.level(r.score)
            if r.active and not r.mitigation and level in wanted:
                out.append(
                    Alert("risk", r.ref, f"{level} risk without mitigation: {r.description}")
                )
    return out


def _gates(milestones: Sequence[Milestone], rules: Rules, today: dt.date) -> list[Alert]:
    """Phases finished but not yet approved, where their gate asks for an approval."""
    out = []
    for m in milestones:
        for t in m.tasks:
            raw = m.raw_task(t.id) or {}
            for phase in t.phases or {}:
                if phases.status_of(raw, phase) != "completed":
                    continue
                if not phases.gate_for(m, raw, phase, rules.config).required:
                    continue
                done = _day(phases.phase_raw(raw, phase).get("completed_at"))
                days = (today - done).days if done else None
                if days is not None and days < rules.gate_days:
                    continue
                gate = phases.GATES[phase]
                waited = f" for {days} days" if days else ""
                text = f"{t.title}: {phase} done, gate {gate} waits for approval{waited}"
                out.append(Alert("gate", f"{m.id}/{t.id}", text, days))
    return out


def _paused(sessions: Iterable[Session], rules: Rules, today: dt.date) -> list[Alert]:
    out = []
    for s in sessions:
        pause = s.last_pause
        when = _day(pause.timestamp) if pause else None
        if s.status != "paused" or when is None or (today - when).days <= rules.paused_days:
            continue
        days = (today - when).days
        what = s.task_ref or "no milestone"
        who = f" by {s.author}" if s.author else ""
        text = f"{what} paused {days} days ago{who}; `git milestone resume` picks it up"
        out.append(Alert("paused", s.id, text, days))
    return out
