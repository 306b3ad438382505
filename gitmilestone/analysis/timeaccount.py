"""Time spent, per session and per task, and the efficiency ratio: earned hours (estimated
hours x progress) / hours spent. Pure: commands/status.py reads the events, sessions and
commit times through the workspace.

Where a task has work sessions, its time is theirs; else the Time-Spent trailers logged on
it; else an estimate from its commits' times by the gap rule (`time:` in
milestone-config.yaml): a commit made within session_gap_minutes of its author's previous
commit counts that gap, any other commit counts first_commit_minutes.
Efficiency = earned hours (estimated hours x progress) / time spent.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from gitmilestone.core import clock
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone

Key = tuple[str, str | None]  # (milestone, task); task None: the milestone as a whole
_LINKING = frozenset(
    {
        "task_worked",
        "task_completed",
        "progress_updated",
        "time_logged",
        "commit_linked",
        "blocker_reported",
    }
)


@dataclass(frozen=True)
class TimeRules:
    session_gap_minutes: float = 120
    first_commit_minutes: float = 30
    max_session_hours: float = 10

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> TimeRules:
        section = config.get("time") or {}
        names = ("session_gap_minutes", "first_commit_minutes", "max_session_hours")
        return cls(**{k: float(section[k]) for k in names if section.get(k) is not None})


class Session(Protocol):
    """What time accounting needs of a work session (commands/sessions.py folds them)."""

    @property
    def milestone_id(self) -> str | None: ...
    @property
    def task_id(self) -> str | None: ...
    @property
    def author(self) -> str | None: ...
    @property
    def segments(self) -> tuple[tuple[str, str | None], ...]: ...
    def hours(self, now: str, rules: TimeRules) -> float: ...


@dataclass(frozen=True)
class Spent:
    hours: float
    source: str  # sessions | logged | estimated


def span_hours(start: str, end: str, cap: float) -> float:
    """Hours from `start` to `end`, never negative, at most `cap`."""
    hours = (clock.parse_stamp(end) - clock.parse_stamp(start)).total_seconds() / 3600
    return round(min(max(hours, 0.0), cap), 4)


def hours_today(
    sessions: Iterable[Session], now: str, rules: TimeRules, author: str | None = None
) -> float:
    """Hours worked in sessions since midnight (UTC), by `author` when given."""
    end = clock.parse_stamp(now)
    midnight = end.replace(hour=0, minute=0, second=0, microsecond=0)
    total = 0.0
    for s in sessions:
        if author and s.author != author:
            continue
        for a, b in s.segments:
            begin, finish = max(clock.parse_stamp(a), midnight), clock.parse_stamp(b or now)
            if finish > begin:
                total += min((finish - begin).total_seconds() / 3600, rules.max_session_hours)
    return round(total, 4)


def gap_estimate(commits: Iterable[tuple[str, str, int]], rules: TimeRules) -> dict[str, float]:
    """commit -> estimated hours, from (commit, author, unix time) triples: per author in time
    order, a commit within the gap of the previous one counts the gap, others a fixed start."""
    gap = rules.session_gap_minutes * 60
    first = rules.first_commit_minutes / 60
    last: dict[str, int] = {}
    out: dict[str, float] = {}
    for sha, author, when in sorted(commits, key=lambda c: (c[2], c[0])):
        previous = last.get(author)
        delta = when - previous if previous is not None else None
        out[sha] = round(delta / 3600, 4) if delta is not None and delta <= gap else first
        last[author] = when
    return out


def linked_commits(events: Iterable[Event]) -> dict[str, set[Key]]:
    """commit -> the tasks (or milestones) its trailers name."""
    links: dict[str, set[Key]] = {}
    for e in events:
        if e.source == "trailer" and e.commit and e.milestone_id and e.event_type in _LINKING:
            links.setdefault(e.commit, set()).add((e.milestone_id, e.task_id))
    for keys in links.values():
        tasks = {mid for mid, tid in keys if tid}
        keys.difference_update({(mid, None) for mid in tasks})  # the task is the finer answer
    return links


def actual_hours(
    events: Iterable[Event],
    sessions: Iterable[Session],
    now: str,
    rules: TimeRules,
    commit_hours: Mapping[str, float],
) -> dict[Key, Spent]:
    """Time spent per (milestone, task): sessions, else logged, else estimated from commits."""
    events = list(events)
    measured = _by_session(sessions, now, rules)
    logged: dict[Key, float] = {}
    for e in events:
        if e.event_type == "time_logged" and e.milestone_id:
            key = (e.milestone_id, e.task_id)
            logged[key] = logged.get(key, 0.0) + float(e.details.get("time_spent") or 0)
    estimated: dict[Key, float] = {}
    for commit, keys in linked_commits(events).items():
        for key in keys:
            share = commit_hours.get(commit, 0.0) / len(keys)
            estimated[key] = estimated.get(key, 0.0) + share
    out: dict[Key, Spent] = {}
    for source, table in (("estimated", estimated), ("logged", logged), ("sessions", measured)):
        out.update({k: Spent(round(v, 4), source) for k, v in table.items() if v > 0})
    return out


def _by_session(sessions: Iterable[Session], now: str, rules: TimeRules) -> dict[Key, float]:
    out: dict[Key, float] = {}
    for s in sessions:
        if s.milestone_id:
            key = (s.milestone_id, s.task_id)
            out[key] = out.get(key, 0.0) + s.hours(now, rules)
    return out


def needs_estimate(events: Iterable[Event], sessions: Iterable[Session]) -> set[str]:
    """Commits whose time must be estimated: linked to work no session or log accounts for."""
    events = list(events)
    known = {(s.milestone_id, s.task_id) for s in sessions}
    known |= {(e.milestone_id, e.task_id) for e in events if e.event_type == "time_logged"}
    links = linked_commits(events)
    return {c for c, keys in links.items() if any(k not in known for k in keys)}


def milestone_time(m: Milestone, progress: float, spent: Mapping[Key, Spent]) -> dict[str, Any]:
    """Estimated vs actual hours and the efficiency ratio of one milestone."""
    mine = {k: v for k, v in spent.items() if k[0] == m.id}
    actual = round(sum(v.hours for v in mine.values()), 2)
    sources = sorted({v.source for v in mine.values()})
    estimated = m.estimated_hours or sum(t.estimated_hours or 0 for t in m.tasks) or None
    earned = round(float(estimated) * progress / 100, 2) if estimated else None
    return {
        "estimated_hours": estimated,
        "actual_hours": actual,
        "earned_hours": earned,
        "efficiency": round(earned / actual, 2) if earned is not None and actual > 0 else None,
        "source": (sources[0] if len(sources) == 1 else "mixed") if sources else None,
        "tasks": {k[1]: v.hours for k, v in sorted(mine.items(), key=str) if k[1]},
    }
