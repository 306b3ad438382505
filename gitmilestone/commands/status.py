"""`status`, `list`, `show` and `sessions`: the plan with this branch's facts laid over it,
the time spent and the risk alerts, as data that the text and the JSON views both render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitmilestone.analysis import timeaccount
from gitmilestone.analysis.risk import Risk, Thresholds, status_alerts
from gitmilestone.analysis.timeaccount import Key, Spent, TimeRules
from gitmilestone.commands import sessions
from gitmilestone.commands.sessions import Session
from gitmilestone.commands.taskview import task_list
from gitmilestone.core import clock, phases
from gitmilestone.core.events import APPROVAL_KINDS, Event, TaskFacts
from gitmilestone.core.model import (
    Milestone,
    Settings,
    milestone_progress,
    milestone_summary,
    project_progress,
)
from gitmilestone.core.phases import milestone_phases
from gitmilestone.git import logcache
from gitmilestone.workspace import Workspace


@dataclass(frozen=True)
class TimeSheet:
    by_key: dict[Key, Spent]  # (milestone, task) -> hours and where they come from
    sessions: list[Session]
    now: str
    rules: TimeRules


@dataclass(frozen=True)
class Status:
    milestones: list[Milestone]
    settings: Settings
    times: dict[str, dict[str, Any]]  # milestone id -> timeaccount.milestone_time
    alerts: list[Risk]
    thresholds: Thresholds
    bar_width: int
    due_soon_days: int
    approvals: list[dict[str, Any]]  # every phase approval and sign-off, verified
    facts: Mapping[tuple[str, str], TaskFacts]
    spent: Mapping[Key, Spent]
    phases: dict[str, dict[str, Any]]  # milestone id -> phases.milestone_phases

    def as_json(self) -> dict[str, Any]:
        return {**self.figures(), "approvals": self.approvals}

    def figures(self) -> dict[str, Any]:
        """as_json without the approvals, which are verified on every read."""
        return {
            "progress": project_progress(self.milestones, self.settings),
            "milestones": [
                {
                    **milestone_summary(m, self.settings),
                    "time": self.times[m.id],
                    "task_list": task_list(m, self.settings, self.facts, self.spent),
                    "phases": self.phases[m.id],
                }
                for m in self.milestones
            ],
            "risk_alerts": [r.as_dict(self.thresholds) for r in self.alerts],
        }


def status(ws: Workspace) -> Status:
    """Every milestone with its progress, time and the risk alerts `status` shows."""
    config = ws.store.config()
    milestones = ws.plan()
    alerts, thresholds = status_alerts(milestones, config)
    shown = config["status"]
    return Status(
        milestones,
        ws.store.settings(),
        times(ws, milestones) if milestones else {},
        alerts,
        thresholds,
        int(shown["bar_width"]),
        int(shown["due_soon_days"]),
        approvals(ws),
        ws.facts,
        timesheet(ws).by_key if milestones else {},
        {m.id: milestone_phases(m, phase_events(ws, m.id)) for m in milestones},
    )


def approvals(ws: Workspace) -> list[dict[str, Any]]:
    """Every phase approval and sign-off of the branch, verified (or its verdict read back
    from an earlier check at this HEAD: a view need not run ssh-keygen each time)."""
    if not any(e.event_type in APPROVAL_KINDS for e in ws.log.scoped):
        return []  # most histories: the signing and verification code is not even imported
    from gitmilestone.commands.approvals import collect

    return ws.memo(
        "approvals", lambda: [a.as_dict() for a in collect(ws.store, ws.log.scoped, reuse=True)]
    )


def phase_events(ws: Workspace, milestone_id: str) -> list[Event]:
    """The branch's phase events of one milestone: picked out and grouped once, since every
    milestone's phases read them and a history holds few among many other events."""
    grouped: dict[str | None, list[Event]] = ws.memo("phase_events", dict)
    if not grouped:
        grouped[None] = []  # marks the grouping done, also when there is nothing to group
        for e in phases.phase_events(ws.log.scoped):
            grouped.setdefault(e.milestone_id, []).append(e)
    return grouped.get(milestone_id, [])


def work_sessions(ws: Workspace) -> list[Session]:
    """Every session of every clone: sessions cross branches, so all notes count."""
    return ws.memo("sessions", lambda: sessions.fold(ws.log.every))


def timesheet(ws: Workspace) -> TimeSheet:
    """Time spent per (milestone, task): sessions, else Time-Spent logs, else the gap rule."""
    return ws.memo("timesheet", lambda: _timesheet(ws))


def _timesheet(ws: Workspace) -> TimeSheet:
    """Time reads the facts progress reads (HEAD's history): a commit rewritten or left on
    another branch adds nothing, and its replacement counts once."""
    events = ws.log.scoped
    found = branch_sessions(ws)
    rules = TimeRules.from_config(ws.store.config())
    now = clock.stamp()
    by_key = timeaccount.spent(events, found, now, rules, _commit_work(ws, rules))
    return TimeSheet(by_key, found, now, rules)


def _commit_work(ws: Workspace, rules: TimeRules) -> timeaccount.CommitWork:
    """The gap-rule hours of the commits linked to work. They follow from HEAD's history and
    the rules alone, so they are kept for the next read (see logcache.kept)."""

    def compute() -> tuple[dict[Key, float], list[tuple[tuple[Key, ...], float]]]:
        links = timeaccount.linked_commits(ws.log.trailers)
        hours = timeaccount.gap_estimate(_commit_times(ws, set(links)), rules) if links else {}
        work = timeaccount.CommitWork.of(links, hours)
        return work.single, work.shared

    key = (ws.head, rules.session_gap_minutes, rules.first_commit_minutes)
    single, shared = logcache.kept(ws.paths.local_dir, "timesheet.cache", key, compute)
    return timeaccount.CommitWork(single, shared)


def branch_sessions(ws: Workspace) -> list[Session]:
    """The work sessions whose every event is in HEAD's history: a session paused on an
    unmerged branch counts there, and on this branch once that branch is merged."""
    seen = {s.key: s.seq for s in sessions.fold(ws.log.scoped)}
    return [s for s in work_sessions(ws) if seen.get(s.key) == s.seq]


def times(ws: Workspace, milestones: Iterable[Milestone]) -> dict[str, dict[str, Any]]:
    """milestone id -> its time figures (estimated, actual, earned hours, efficiency)."""
    by_key = timesheet(ws).by_key
    settings = ws.store.settings()
    return {
        m.id: timeaccount.milestone_time(m, milestone_progress(m, settings), by_key)
        for m in milestones
    }


def _commit_times(ws: Workspace, wanted: set[str]) -> list[tuple[str, str, int]]:
    """(commit, author e-mail, time) of every commit since shortly before the first one
    wanted, so each wanted commit's gap to its author's previous commit is known."""
    # Timestamps are UTC text of one form, so the earliest sorts first: parse only that one.
    first = min(e.timestamp for e in ws.log.trailers if e.commit in wanted)
    gap = TimeRules.from_config(ws.store.config()).session_gap_minutes
    since = clock.parse_stamp(first) - dt.timedelta(minutes=gap + 1)
    return ws.log.activity(int(since.timestamp()))


@dataclass(frozen=True)
class Shown:
    milestone: Milestone
    settings: Settings
    time: dict[str, Any]
    bar_width: int
    facts: Mapping[tuple[str, str], TaskFacts]
    spent: Mapping[Key, Spent]
    phases: dict[str, Any]  # phases.milestone_phases

    def as_json(self) -> dict[str, Any]:
        listed = task_list(self.milestone, self.settings, self.facts, self.spent)
        computed = {
            **milestone_summary(self.milestone, self.settings),
            "time": self.time,
            "task_list": listed,
            "phases": self.phases,
        }
        return {"computed": computed, "file": self.milestone.raw}


def show(ws: Workspace, ref: str) -> Shown:
    """One milestone, its facts and time; the other milestone files are not parsed."""
    m = ws.milestone(ref)
    width = int(ws.store.config()["status"]["bar_width"])
    spent = timesheet(ws).by_key
    found = milestone_phases(m, phase_events(ws, m.id))
    return Shown(m, ws.store.settings(), times(ws, [m])[m.id], width, ws.facts, spent, found)
