from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gitmilestone.core.events import (
    CommitInfo,
    Event,
    commit_events,
    merge,
    overlay,
    parse_note,
    task_facts,
)
from gitmilestone.core.model import Milestone, Task
from gitmilestone.core.trailers import (
    MAX_TRAILER_HOURS,
    TrailerError,
    check_trailer,
    parse_duration,
    to_json,
)

SCHEMA = json.loads((Path(__file__).parents[1] / "schemas/event.schema.json").read_text())


def commit(*trailers: tuple[str, str], sha: str = "a" * 40) -> CommitInfo:
    return CommitInfo(sha, "2026-11-02T10:00:00+00:00", "Ann <ann@example.com>", trailers)


@pytest.mark.parametrize(
    ("text", "hours"), [("1h30m", 1.5), ("2h", 2.0), ("45m", 0.75), ("1d", 8.0), ("1.5h", 1.5)]
)
def test_durations(text: str, hours: float) -> None:
    assert parse_duration(text) == hours


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("Completes", "M-001"),
        ("Completes", "M-001/"),
        ("Task", "fixes task-3"),
        ("Progress", "M-001/task-1"),
        ("Progress", "M-001/task-1 150"),
        ("Time-Spent", "soon"),
        ("Milestone", "M 001"),
        ("Blocker", ""),
    ],
)
def test_malformed_trailers_are_refused(key: str, value: str) -> None:
    with pytest.raises(TrailerError):
        check_trailer(key, value)


def test_commit_events_follow_the_vocabulary() -> None:
    events, problems = commit_events(
        commit(
            ("Task", "M-001/task-2"),
            ("Completes", "M-001/task-1"),
            ("Progress", "M-001/task-2 40"),
            ("Time-Spent", "1h30m"),
            ("Blocker", "waiting for keys"),
            ("Signed-off-by", "Ann <ann@example.com>"),
            ("Completes", "nonsense"),
        )
    )
    kinds = [(e.event_type, e.milestone_id, e.task_id) for e in events]
    assert kinds == [
        ("task_worked", "M-001", "task-2"),
        ("task_completed", "M-001", "task-1"),
        ("progress_updated", "M-001", "task-2"),
        ("time_logged", "M-001", "task-2"),
        ("blocker_reported", "M-001", "task-2"),
    ]
    assert events[3].details["time_spent"] == 1.5
    assert problems == [
        "commit aaaaaaaaaa: Completes: 'nonsense' is malformed; expected Completes: <ID>/<task-id>"
    ]
    for e in events:
        Draft202012Validator(SCHEMA).validate(json.loads(e.to_json()))


def test_trailer_event_ids_are_stable() -> None:
    first, _ = commit_events(commit(("Completes", "M-001/task-1")))
    again, _ = commit_events(commit(("Completes", "M-001/task-1")))
    other, _ = commit_events(commit(("Completes", "M-001/task-1"), sha="b" * 40))
    assert first[0].id == again[0].id != other[0].id


def test_bad_note_lines_are_reported_and_the_rest_read() -> None:
    good = commit_events(commit(("Completes", "M-001/task-1")))[0][0].to_json()
    text = "\n".join(
        [
            good,
            "{not json",
            '{"id": 3}',
            "",
            '{"v": 9, "id": "x", "timestamp": "t", "event_type": "e"}',
        ]
    )
    events, problems = parse_note(text, "c" * 40)
    assert [e.event_type for e in events] == ["task_completed"]
    assert len(problems) == 3
    assert "line 2: not JSON" in problems[0]
    assert "field 'id'" in problems[1]
    assert "newer than this git-milestone" in problems[2]


def ev(i: int, kind: str, task: str, stamp: int, **details: object) -> Event:
    return Event(
        id=f"{i:08x}",
        timestamp=f"2026-11-0{1 + stamp % 9}T10:00:00Z",
        event_type=kind,
        milestone_id="M-001",
        task_id=task,
        details=details,
    )


EVENTS = st.lists(
    st.builds(
        lambda i, kind, task, stamp, pct, hours: ev(
            i, kind, task, stamp, progress_percentage=pct, time_spent=hours
        ),
        st.integers(0, 50),
        st.sampled_from(["task_completed", "task_worked", "progress_updated", "time_logged"]),
        st.sampled_from(["task-1", "task-2"]),
        st.integers(0, 8),
        st.integers(0, 100),
        st.sampled_from([0.25, 0.5, 1.0, 2.0]),
    ),
    max_size=30,
    unique_by=lambda e: e.id,
)


@given(EVENTS, st.randoms())
def test_fold_ignores_order_and_duplicates(events: list[Event], rnd: object) -> None:
    shuffled = list(events) + list(events[: len(events) // 2])
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    assert task_facts(shuffled) == task_facts(events)
    assert merge(shuffled) == merge(events)


def test_overlay_shows_trailer_completion_without_touching_the_plan() -> None:
    m = Milestone(
        id="M-001",
        title="t",
        path="p",
        tasks=(Task("task-1", "a"), Task("task-2", "b"), Task("task-3", "c", status="completed")),
    )
    facts = task_facts(
        [
            ev(1, "task_completed", "task-1", 1),
            ev(2, "progress_updated", "task-2", 1, progress_percentage=40),
            ev(3, "progress_updated", "task-2", 2, progress_percentage=60),
        ]
    )
    (folded,) = overlay([m], facts)
    assert [(t.status, t.progress) for t in folded.tasks] == [
        ("completed", None),
        ("in_progress", 60.0),
        ("completed", None),
    ]
    assert m.tasks[0].status == "pending"


# -- the trailer vocabulary without re/json: checked against the regular expressions and
# -- json.dumps it replaces on the commit path

_ID = r"[A-Za-z0-9][A-Za-z0-9_-]*"
ORACLES = {
    "Milestone": rf"^({_ID})$",
    "Task": rf"^({_ID})/({_ID})$",
    "Completes": rf"^({_ID})/({_ID})$",
    "Progress": rf"^({_ID})/({_ID})\s+([0-9]{{1,3}})%?$",
}
DURATION = r"^(?:([0-9]+(?:\.[0-9]+)?)d)?\s*(?:([0-9]+(?:\.[0-9]+)?)h)?\s*(?:([0-9]+)m)?$"
trailer_text = st.text(alphabet="M-0123/task_ %.xZ\t", max_size=24)
duration_text = st.text(alphabet="0123456789.dhm ", max_size=12)


@given(st.sampled_from(sorted(ORACLES)), trailer_text)
def test_linking_trailers_follow_the_documented_syntax(key: str, value: str) -> None:
    import re

    match = re.match(ORACLES[key], value.strip())
    if match and not (key == "Progress" and int(match.group(3)) > 100):
        assert check_trailer(key, value) == match.groups()
    else:
        with pytest.raises(TrailerError):
            check_trailer(key, value)


@given(duration_text)
def test_durations_follow_the_documented_syntax(text: str) -> None:
    import re

    match = re.match(DURATION, text.strip())
    if text.strip() and match and any(match.groups()):
        days, hours, minutes = (float(g) if g else 0.0 for g in match.groups())
        total = days * 8 + hours + minutes / 60
        digits = max(len(part) for g in match.groups() if g for part in g.split("."))
        if total <= MAX_TRAILER_HOURS and digits <= 12:
            assert parse_duration(text) == round(total, 4)
        else:  # bounded: a typo, or a value crafted to overflow every sum
            with pytest.raises(TrailerError, match=r"more than|not a duration"):
                parse_duration(text)
    else:
        with pytest.raises(TrailerError):
            parse_duration(text)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(st.text(), json_values, max_size=6))
def test_note_lines_are_exactly_what_json_writes(record: dict[str, object]) -> None:
    expected = json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert to_json(record) == expected


events_to_write = st.builds(
    Event,
    id=st.text(max_size=8),
    timestamp=st.text(max_size=8),
    event_type=st.text(max_size=8),
    milestone_id=st.none() | st.text(max_size=8) | st.integers(),  # a stranger's note
    task_id=st.none() | st.text(max_size=8),
    details=st.dictionaries(st.text(), json_values, max_size=4),
    session_id=st.none() | st.text(max_size=4),
    author=st.none() | st.text(max_size=8),
    commit=st.none() | st.text(max_size=8),
    source=st.sampled_from(["trailer", "note"]),
    v=st.integers() | st.booleans(),  # 1 == True: a shape kept for one is not the other's
)


@given(st.lists(events_to_write, max_size=5), st.data())
def test_log_jsonl_writes_each_event_as_its_note_line(events: list[Event], data: Any) -> None:
    from gitmilestone.core.events import json_lines

    # Events of one trailer block share their details object; an event may come twice.
    shared = [e._replace(details=data.draw(st.sampled_from(events)).details) for e in events]
    every = events + shared + events[:1]
    assert json_lines(every) == [e.to_json() for e in every]
    # Lines written before (as the notes' thread does) are taken for those very events.
    known = {id(e): (e, e.to_json()) for e in shared}
    assert json_lines(every, known) == [e.to_json() for e in every]
    stale = {id(e): (e._replace(id="other"), "stale") for e in events}  # not those events
    assert json_lines(events, stale) == [e.to_json() for e in events]


@given(st.text())
def test_json_for_a_terminal_holds_the_same_values_and_no_control(text: str) -> None:
    from gitmilestone.core.untrusted import json_for_terminal

    written = json_for_terminal(json.dumps({"t": text}, ensure_ascii=False))
    assert json.loads(written) == {"t": text}
    assert not any(c == "\x7f" or "\x80" <= c <= "\x9f" or c < " " for c in written)
