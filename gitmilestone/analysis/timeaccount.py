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
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from operator import itemgetter
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
    for sha, author, when in sorted(commits, key=_BY_TIME):
        previous = last.get(author)
        delta = when - previous if previous is not None else gap + 1
        out[sha] = round(delta / 3600, 4) if delta <= gap else first
        last[author] = when
    return out


_BY_TIME = itemgetter(2, 0)


def linked_commits(events: Iterable[Event]) -> dict[str, set[Key]]:
    """commit -> the tasks (or milestones) its trailers name."""
    links: dict[str, set[Key]] = {}
    for e in events:
        if e.event_type in _LINKING and e.source == "trailer" and e.commit and e.milestone_id:
            keys = links.get(e.commit)
            if keys is None:
                links[e.commit] = {(e.milestone_id, e.task_id)}
            else:
                keys.add((e.milestone_id, e.task_id))
    for keys in links.values():
        if len(keys) > 1:  # the task is the finer answer: drop its milestone
            keys.difference_update({(mid, None) for mid, tid in list(keys) if tid})
    return links


@dataclass(frozen=True)
class CommitWork:
    """The gap-rule hours of the commits that trailers link to work, summed ahead of time: per
    task for a commit naming one (most do), per commit for one naming several. A history of
    100k commits folds to one figure per task, which a read can keep and reload cheaply."""

    single: dict[Key, float]
    shared: list[tuple[tuple[Key, ...], float]]

    @classmethod
    def of(cls, links: Mapping[str, AbstractSet[Key]], hours: Mapping[str, float]) -> CommitWork:
        single: dict[Key, float] = {}
        shared: list[tuple[tuple[Key, ...], float]] = []
        for commit, keys in links.items():
            h = hours.get(commit, 0.0)
            if len(keys) == 1:
                (key,) = keys
                single[key] = single.get(key, 0.0) + h
            elif keys:
                shared.append((tuple(sorted(keys, key=str)), h))
        return cls(single, shared)

    def estimated(self, known: AbstractSet[Key]) -> dict[Key, float]:
        """Hours per task from the commits linked to work that no session or log accounts
        for: a commit counts when any task it names is not `known`, split between them."""
        out = {k: h for k, h in self.single.items() if k not in known}
        for keys, h in self.shared:
            if not all(k in known for k in keys):
                for key in keys:
                    out[key] = out.get(key, 0.0) + h / len(keys)
        return out


def spent(
    events: Iterable[Event],
    sessions: Iterable[Session],
    now: str,
    rules: TimeRules,
    work: CommitWork,
) -> dict[Key, Spent]:
    """Time spent per (milestone, task): sessions, else logged, else estimated from commits."""
    sessions = list(sessions)
    measured = _by_session(sessions, now, rules)
    logged: dict[Key, float] = {}
    for e in events:
        if e.event_type == "time_logged" and e.milestone_id:
            key = (e.milestone_id, e.task_id)
            logged[key] = logged.get(key, 0.0) + float(e.details.get("time_spent") or 0)
    known = {(s.milestone_id, s.task_id) for s in sessions if s.milestone_id} | logged.keys()
    out: dict[Key, Spent] = {}
    for source, table in (
        ("estimated", work.estimated(known)),
        ("logged", logged),
        ("sessions", measured),
    ):
        out.update({k: Spent(round(v, 4), source) for k, v in table.items() if v > 0})
    return out


def _by_session(sessions: Iterable[Session], now: str, rules: TimeRules) -> dict[Key, float]:
    out: dict[Key, float] = {}
    for s in sessions:
        if s.milestone_id:
            key = (s.milestone_id, s.task_id)
            out[key] = out.get(key, 0.0) + s.hours(now, rules)
    return out


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
