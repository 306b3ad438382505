"""Events: the facts layer. Trailers and note lines <-> Event, and the fold of events over the
plan. Pure and stdlib-only: the hooks import this module on every commit."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

FORMAT_VERSION = 1
TRAILER_KEYS = ("Milestone", "Task", "Completes", "Progress", "Time-Spent", "Blocker")
_ID = r"[A-Za-z0-9][A-Za-z0-9_-]*"
_MILESTONE_RE = re.compile(rf"^({_ID})$")
_TASK_RE = re.compile(rf"^({_ID})/({_ID})$")
_PROGRESS_RE = re.compile(rf"^({_ID})/({_ID})\s+(\d{{1,3}})%?$")
_DURATION_RE = re.compile(r"^(?:(\d+(?:\.\d+)?)d)?\s*(?:(\d+(?:\.\d+)?)h)?\s*(?:(\d+)m)?$")


class TrailerError(ValueError):
    """A milestone trailer whose value does not follow DESIGN.md's syntax."""


@dataclass(frozen=True)
class Event:
    id: str
    timestamp: str
    event_type: str
    milestone_id: str | None
    task_id: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    session_id: str | None = None
    author: str | None = None
    commit: str | None = None
    source: str = "note"  # trailer | note
    v: int = FORMAT_VERSION

    def to_json(self) -> str:
        data = {
            "v": self.v,
            "id": self.id,
            "timestamp": self.timestamp,
            "event_type": self.event_type,
            "milestone_id": self.milestone_id,
            "task_id": self.task_id,
            "details": dict(self.details),
            "session_id": self.session_id,
            "author": self.author,
            "commit": self.commit,
            "source": self.source,
        }
        return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        return cls(
            id=str(data["id"]),
            timestamp=str(data["timestamp"]),
            event_type=str(data["event_type"]),
            milestone_id=data.get("milestone_id"),
            task_id=data.get("task_id"),
            details=dict(data.get("details") or {}),
            session_id=data.get("session_id"),
            author=data.get("author"),
            commit=data.get("commit"),
            source=data.get("source", "note"),
            v=int(data.get("v", FORMAT_VERSION)),
        )


def event_id(*parts: str) -> str:
    """Stable id: the same fact recorded twice (trailer and note, two clones) collapses."""
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:20]


def parse_duration(text: str) -> float:
    """`1h30m`, `2h`, `45m`, `1d` (8 working hours), `1.5h` -> hours."""
    m = _DURATION_RE.match(text.strip())
    if not text.strip() or not m or not any(m.groups()):
        raise TrailerError(f"'{text}' is not a duration like 1h30m, 2h or 45m")
    days, hours, minutes = (float(g) if g else 0.0 for g in m.groups())
    return round(days * 8 + hours + minutes / 60, 4)


def format_duration(hours: float) -> str:
    whole = int(hours)
    minutes = round((hours - whole) * 60)
    return f"{whole}h{minutes}m" if minutes else f"{whole}h"


def check_trailer(key: str, value: str) -> tuple[str, ...]:
    """The parts of one of our trailers; raises TrailerError when malformed."""
    value = value.strip()
    if key == "Milestone":
        match = _MILESTONE_RE.match(value)
    elif key in ("Task", "Completes"):
        match = _TASK_RE.match(value)
    elif key == "Progress":
        match = _PROGRESS_RE.match(value)
        if match and int(match.group(3)) > 100:
            raise TrailerError(f"Progress: {value}: a percentage is 0..100")
    elif key == "Time-Spent":
        return (format_duration(parse_duration(value)),)
    elif key == "Blocker":
        if not value:
            raise TrailerError("Blocker: needs a description")
        return (value,)
    else:
        return (value,)
    if not match:
        raise TrailerError(f"{key}: '{value}' is malformed; expected {_EXPECTED[key]}")
    return match.groups()


_EXPECTED = {
    "Milestone": "Milestone: <ID>",
    "Task": "Task: <ID>/<task-id>",
    "Completes": "Completes: <ID>/<task-id>",
    "Progress": "Progress: <ID>/<task-id> <0-100>",
}


def ours(trailers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Only our trailer keys (git compares trailer keys case-insensitively)."""
    canon = {k.lower(): k for k in TRAILER_KEYS}
    return [(canon[k.lower()], v.strip()) for k, v in trailers if k.lower() in canon]


def parse_trailer_block(text: str) -> list[tuple[str, str]]:
    """Lines of `git interpret-trailers --parse` / `%(trailers:only,unfold)` -> (key, value)."""
    out = []
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep and key and " " not in key.strip():
            out.append((key.strip(), value.strip()))
    return out


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    timestamp: str
    author: str
    trailers: tuple[tuple[str, str], ...]


def commit_events(c: CommitInfo) -> tuple[list[Event], list[str]]:
    """Events a commit's trailers state, and a message for each malformed trailer."""
    events: list[Event] = []
    problems: list[str] = []
    context: tuple[str | None, str | None] = (None, None)
    parsed = []
    for index, (key, value) in enumerate(ours(c.trailers)):
        try:
            parts = check_trailer(key, value)
        except TrailerError as err:
            problems.append(f"commit {c.sha[:10]}: {err}")
            continue
        parsed.append((index, key, value, parts))
        if key == "Milestone" and context[0] is None:
            context = (parts[0], None)
        elif key in ("Task", "Completes", "Progress") and context[1] is None:
            context = (parts[0], parts[1])
    for index, key, value, parts in parsed:
        events.append(_trailer_event(c, index, key, value, parts, context))
    return events, problems


def _trailer_event(
    c: CommitInfo,
    index: int,
    key: str,
    value: str,
    parts: tuple[str, ...],
    context: tuple[str | None, str | None],
) -> Event:
    milestone, task = context
    details: dict[str, Any] = {"trailer": f"{key}: {value}"}
    if key == "Milestone":
        kind, milestone, task = "commit_linked", parts[0], None
    elif key == "Task":
        kind, milestone, task = "task_worked", parts[0], parts[1]
    elif key == "Completes":
        kind, milestone, task = "task_completed", parts[0], parts[1]
        details["tasks_completed"] = [f"{parts[0]}/{parts[1]}"]
    elif key == "Progress":
        kind, milestone, task = "progress_updated", parts[0], parts[1]
        details["progress_percentage"] = int(parts[2])
    elif key == "Time-Spent":
        kind = "time_logged"
        details["time_spent"] = parse_duration(parts[0])
    else:
        kind = "blocker_reported"
        details["blockers_encountered"] = [parts[0]]
    return Event(
        id=event_id(c.sha, str(index), key, value),
        timestamp=c.timestamp,
        event_type=kind,
        milestone_id=milestone,
        task_id=task,
        details=details,
        author=c.author,
        commit=c.sha,
        source="trailer",
    )


def parse_note(text: str, commit: str) -> tuple[list[Event], list[str]]:
    """One note: JSON Lines. Bad lines are reported and skipped; the rest stays readable."""
    events, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            problem = _event_problem(data)
        except json.JSONDecodeError as exc:
            problem = f"not JSON ({exc.msg})"
        if problem:
            problems.append(
                f"refs/notes/milestones: note on {commit[:10]} line {number}: {problem}"
            )
            continue
        events.append(Event.from_dict(data))
    return events, problems


def _event_problem(data: Any) -> str | None:
    """The event schema's required core, checked without jsonschema (hooks must stay fast)."""
    if not isinstance(data, dict):
        return "not a JSON object"
    for key, kind in (("id", str), ("timestamp", str), ("event_type", str), ("v", int)):
        if not isinstance(data.get(key), kind):
            return f"field '{key}' is missing or not a {kind.__name__}"
    if data["v"] > FORMAT_VERSION:
        return (
            f"event format v{data['v']} is newer than this git-milestone reads (v{FORMAT_VERSION})"
        )
    if not isinstance(data.get("details", {}), dict):
        return "field 'details' is not an object"
    return None


def merge(*streams: Iterable[Event]) -> list[Event]:
    """All events, each id once, in time order (ties broken by id, so every clone agrees)."""
    seen: dict[str, Event] = {}
    for stream in streams:
        for e in stream:
            if e.id not in seen or (seen[e.id].source == "note" and e.source == "trailer"):
                seen[e.id] = e
    return sorted(seen.values(), key=lambda e: (e.timestamp, e.id))


@dataclass(frozen=True)
class TaskFacts:
    """What the events say about one task, to be laid over the plan."""

    completed: bool = False
    started: bool = False
    progress: float | None = None
    time_spent: float = 0.0
    blockers: tuple[str, ...] = ()


def task_facts(events: Iterable[Event]) -> dict[tuple[str, str], TaskFacts]:
    """Fold events into per-task facts. Order and duplicates do not change the result."""
    facts: dict[tuple[str, str], TaskFacts] = {}
    for e in merge(events):
        if not (e.milestone_id and e.task_id):
            continue
        key = (e.milestone_id, e.task_id)
        f = facts.get(key, TaskFacts())
        if e.event_type == "task_completed":
            f = replace(f, completed=True)
        elif e.event_type in ("task_worked", "task_started"):
            f = replace(f, started=True)
        elif e.event_type == "progress_updated" and "progress_percentage" in e.details:
            f = replace(f, started=True, progress=float(e.details["progress_percentage"]))
        elif e.event_type == "time_logged":
            f = replace(
                f, time_spent=round(f.time_spent + float(e.details.get("time_spent", 0)), 4)
            )
        elif e.event_type == "blocker_reported":
            f = replace(f, blockers=f.blockers + tuple(e.details.get("blockers_encountered", ())))
        facts[key] = f
    return facts


def overlay(milestones: Iterable[Any], facts: Mapping[tuple[str, str], TaskFacts]) -> list[Any]:
    """The plan with the events laid over it: status = fold(plan, events). A task the events
    complete shows completed at once, before any file is touched."""
    from gitmilestone.model import Task  # local: keeps the hook path free of model imports

    out = []
    for m in milestones:
        tasks = tuple(_overlay_task(t, facts.get((m.id, t.id))) for t in m.tasks)
        out.append(m if tasks == m.tasks else replace(m, tasks=tasks))
    assert all(isinstance(t, Task) for m in out for t in m.tasks)
    return out


def _overlay_task(task: Any, f: TaskFacts | None) -> Any:
    if f is None or task.status == "completed":
        return task
    if f.completed:
        return replace(task, status="completed")
    changes: dict[str, Any] = {}
    if f.progress is not None:
        changes["progress"] = f.progress
    if f.started and task.status == "pending":
        changes["status"] = "in_progress"
    return replace(task, **changes) if changes else task
