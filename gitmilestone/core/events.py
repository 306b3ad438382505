"""Events: the facts layer. Trailers and note lines <-> Event, and the fold of events over the
plan. Pure and stdlib-only (the trailer vocabulary itself is in trailers.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from operator import attrgetter
from types import MappingProxyType
from typing import Any, NamedTuple

from gitmilestone.core.nogc import nogc
from gitmilestone.core.trailers import event_id, plan_block, to_json

FORMAT_VERSION = 1
_NO_DETAILS: Mapping[str, Any] = MappingProxyType({})


class Event(NamedTuple):
    """One fact. A named tuple rather than a dataclass: a long history holds 100k of them,
    and a tuple is built several times faster. Read-only like every event: `details` is
    shared between events of the same trailer block and must never be changed in place."""

    id: str
    timestamp: str
    event_type: str
    milestone_id: str | None
    task_id: str | None = None
    details: Mapping[str, Any] = _NO_DETAILS
    session_id: str | None = None
    author: str | None = None
    commit: str | None = None
    source: str = "note"  # trailer | note
    v: int = FORMAT_VERSION

    def to_json(self) -> str:
        return to_json(self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        """The event as its note line writes it."""
        return {
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

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Event:
        get = data.get
        return cls(  # by position: a long history's notes make thousands of these
            str(data["id"]),
            str(data["timestamp"]),
            str(data["event_type"]),
            get("milestone_id"),
            get("task_id"),
            dict(get("details") or {}),
            get("session_id"),
            get("author"),
            get("commit"),
            get("source", "note"),
            int(get("v", FORMAT_VERSION)),
        )


FIELDS = Event._fields


@nogc
def json_lines(
    events: Iterable[Event], known: Mapping[int, tuple[Event, str]] | None = None
) -> list[str]:
    """Each event's note line (`to_json()`): the same text, several times faster for a long
    history (`log --jsonl`). Every field but the commit, id and time is the same for the
    events of one trailer block on thousands of commits, so the text around those three is
    written once per shape, and each line joins seven parts. Strings are written with the
    json module's own C string encoder. `known`: lines written before (id(event) ->
    (event, line)). The commit hooks keep to_json (no json)."""
    import json
    from json.encoder import encode_basestring as quote  # the C encoder's, as dumps uses

    dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode

    def text(value: object) -> str:
        if type(value) is str:
            return str(quote(value))
        return "null" if value is None else dumps(value)

    # Keyed by id(details): each value also holds its details, so no id is reused while in
    # use. Only trailer events share details (a note's events each have their own), and only
    # shapes of strings and None are kept: 1 == True would mix up numbers.
    shapes: dict[tuple[object, ...], tuple[object, str, str, str]] = {}
    lines = []
    known = known or {}
    for e in events:
        written = known.get(id(e))
        if written is not None and written[0] is e:
            lines.append(written[1])
            continue
        eid, stamp, kind, mid, tid, details, sid, author, commit, source, v = e
        shape = (author, kind, mid, tid, sid, source, id(details))
        parts = shapes.get(shape)
        if parts is None or parts[0] is not details:
            parts = _around(e, text)
            if source == "trailer" and all(x is None or type(x) is str for x in shape[:6]):
                shapes[shape] = parts
        lines.append(
            f'{{"author":{parts[1]}{quote(commit) if type(commit) is str else text(commit)}'
            f"{parts[2]}{quote(eid) if type(eid) is str else text(eid)}"
            f"{parts[3]}{quote(stamp) if type(stamp) is str else text(stamp)}"
            f',"v":{int.__repr__(v) if type(v) is int else text(v)}}}'
        )
    return lines


def _around(e: Event, text: Callable[[object], str]) -> tuple[object, str, str, str]:
    """An event's line around its commit, id and time: (its details, the text before the
    commit, between commit and id, between id and time), keys in sorted order."""
    details = e.details if type(e.details) is dict else dict(e.details)
    return (
        e.details,
        f'{text(e.author)},"commit":',
        f',"details":{text(details) if details else "{}"},"event_type":{text(e.event_type)},"id":',
        f',"milestone_id":{text(e.milestone_id)},"session_id":{text(e.session_id)},'
        f'"source":{text(e.source)},"task_id":{text(e.task_id)},"timestamp":',
    )


def commit_events(c: CommitInfo) -> tuple[list[Event], list[str]]:
    """Events a commit's trailers state, and a message for each malformed trailer."""
    rows, problems = commit_rows(c)
    return list(map(Event._make, rows)), problems


def commit_rows(c: CommitInfo) -> tuple[list[tuple[Any, ...]], list[str]]:
    """commit_events as FIELDS tuples: the same events trailer_records describes."""
    plans, errors = plan_block(c.trailers)
    rows = plan_rows(c.sha, c.timestamp, c.author, plans)
    return rows, [f"commit {c.sha[:10]}: {err}" for err in errors]


def plan_rows(
    sha: str, stamp: str, author: str, plans: list[tuple[int, str, str, dict[str, Any]]]
) -> list[tuple[Any, ...]]:
    """A trailer block's events (plan_block) on one commit, as FIELDS tuples, built directly:
    this runs once per commit of a history that may be 100k commits long."""
    return [
        (
            event_id(sha, str(index), key, value),
            stamp,
            f["event_type"],
            f["milestone_id"],
            f["task_id"],
            f["details"],  # shared by every event of this block: events are read-only
            None,
            author,
            sha,
            "trailer",
            FORMAT_VERSION,
        )
        for index, key, value, f in plans
    ]


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    timestamp: str
    author: str
    trailers: tuple[tuple[str, str], ...]


def parse_note(text: str, commit: str, where: str = "") -> tuple[list[Event], list[str]]:
    """One note: JSON Lines. Every line is checked against the event format (see
    core/untrusted.py); bad lines are reported and skipped, the rest stays readable. `where`
    names the text in those reports (default: the note on `commit`)."""
    from gitmilestone.core.untrusted import decode_line, event_problem

    where = where or f"refs/notes/milestones: note on {commit[:10]}"
    events, problems = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        data, problem = decode_line(line)
        problem = problem or event_problem(data, FORMAT_VERSION)
        if problem:
            problems.append(f"{where} line {number}: {problem}")
            continue
        events.append(Event.from_dict(data))
    return events, problems


_TIME_ORDER = attrgetter("timestamp", "id")


class Merged(list[Event]):
    """A list merge made: each id once, in time order. Merging it alone returns it as it is
    (a history holds 100k events, and several readers fold the same list)."""


def merge(*streams: Iterable[Event]) -> list[Event]:
    """All events, each id once, in time order (ties broken by id, so every clone agrees)."""
    if len(streams) == 1 and isinstance(streams[0], Merged):
        return streams[0]
    seen: dict[str, Event] = {}
    for stream in streams:
        for e in stream:
            if e.id not in seen or (seen[e.id].source == "note" and e.source == "trailer"):
                seen[e.id] = e
    return Merged(sorted(seen.values(), key=_TIME_ORDER))


@dataclass(frozen=True)
class TaskFacts:
    """What the events say about one task, to be laid over the plan."""

    completed: bool = False
    started: bool = False
    progress: float | None = None
    time_spent: float = 0.0
    blockers: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()  # trailer and/or note: where the state shown comes from


Facts = Mapping[tuple[str, str], TaskFacts]  # (milestone, task) -> what the events say


def task_facts(events: Iterable[Event]) -> dict[tuple[str, str], TaskFacts]:
    """Fold events into per-task facts. Order and duplicates do not change the result."""
    # Plain lists while folding, one TaskFacts per task at the end: a history holds
    # hundreds of thousands of events, and a frozen copy per event would dominate a read.
    acc: dict[tuple[str, str], list[Any]] = {}
    for e in merge(events):
        if not (e.milestone_id and e.task_id):
            continue
        f = acc.get((e.milestone_id, e.task_id))
        if f is None:
            f = acc[(e.milestone_id, e.task_id)] = [False, False, None, 0.0, [], set()]
        kind = e.event_type
        if kind == "task_completed":
            f[0] = True
        elif kind in ("task_worked", "task_started"):
            f[1] = True
        elif kind == "progress_updated" and "progress_percentage" in e.details:
            f[1], f[2] = True, float(e.details["progress_percentage"])
        elif kind == "time_logged":
            f[3] = round(f[3] + float(e.details.get("time_spent", 0)), 4)
        elif kind == "blocker_reported":
            f[4].extend(e.details.get("blockers_encountered", ()))
        if kind in _STATE_EVENTS:
            f[5].add(e.source)
    return {
        k: TaskFacts(c, s, p, t, tuple(b), tuple(sorted(src)))
        for k, (c, s, p, t, b, src) in acc.items()
    }


# Approval events, and what each approves: few histories hold any, so views ask here first
# whether the signing and verification code is needed at all.
APPROVAL_KINDS = {"phase_approved": "phase", "milestone_signed_off": "sign-off"}

_STATE_EVENTS = frozenset({"task_completed", "task_worked", "task_started", "progress_updated"})


def overlay(milestones: Iterable[Any], facts: Mapping[tuple[str, str], TaskFacts]) -> list[Any]:
    """The plan with the events laid over it: status = fold(plan, events). A task the events
    complete shows completed at once, before any file is touched."""
    from gitmilestone.core.model import Task  # local: keeps the hook path free of model imports

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
