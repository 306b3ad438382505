"""Fuzzing the readers of untrusted input: random and adversarial note lines, trailer values
and milestone YAML. Nothing but MilestoneError escapes, every fold over what was accepted
works, nothing outside the repository is written, and each input is read quickly."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmilestone.commands.sessions import fold, resume_points
from gitmilestone.core.events import CommitInfo, commit_events, parse_note, task_facts
from gitmilestone.core.phases import phase_history
from gitmilestone.core.trailers import format_duration as hours

SECONDS = 5.0  # per input, on a loaded machine; a crafted one took 24 s before bounds

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
    st.sampled_from(["--output=/tmp/x", "HEAD~1", "a..b", "\x1b[2J", "0" * 40, "M-001"]),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
DETAIL_KEYS = ["progress_percentage", "time_spent", "blockers_encountered", "tasks_completed",
               "head", "snapshot", "branch", "session", "seq", "origin", "changes", "phase",
               "notes", "next_steps", "approver"]  # fmt: skip
EVENT_TYPES = ["task_completed", "progress_updated", "time_logged", "blocker_reported",
               "session_started", "session_paused", "session_resumed", "session_ended",
               "phase_started", "phase_completed", "phase_approved", "task_started"]  # fmt: skip


STAMPS = ["2026-11-02T10:00:00.000Z", "2026-11-02T10:00:01Z", "x"]


@st.composite
def event_lines(draw: st.DrawFn) -> str:
    """Mostly well-formed events with adversarial values, sometimes raw junk."""
    if draw(st.integers(0, 9)) == 0:
        return draw(st.text(max_size=60))
    details = draw(st.dictionaries(st.sampled_from(DETAIL_KEYS), json_values, max_size=5))
    data = {
        "v": draw(st.sampled_from([1, 1, 1, 0, 2, True, "1"])),
        "id": draw(st.sampled_from(["0123456789abcdef012", "x", ""])) + draw(st.sampled_from("0a")),
        "timestamp": draw(st.sampled_from(STAMPS)),
        "event_type": draw(st.sampled_from(EVENT_TYPES)),
        "milestone_id": draw(st.sampled_from(["M-001", None, ["a"], 5])),
        "task_id": draw(st.sampled_from(["task-001", None, {"a": 1}])),
        "session_id": draw(st.sampled_from(["session-20261102-001", None, "../x"])),
        "details": details,
        "source": draw(st.sampled_from(["note", "trailer", "x"])),
    }  # fmt: skip
    return json.dumps(data)


@given(st.lists(event_lines(), max_size=12))
def test_any_note_is_read_and_folded_without_an_exception(lines: list[str]) -> None:
    started = time.monotonic()
    events, problems = parse_note("\n".join(lines), "c" * 40)

    task_facts(events)
    points = resume_points(fold(events))
    for e in events:
        if e.milestone_id and e.task_id:
            phase_history(events, e.milestone_id, e.task_id)
    for point in points.values():
        assert point["head"] is None or len(point["head"]) in (40, 64)

    assert len(events) + len(problems) <= len("\n".join(lines).splitlines())
    assert time.monotonic() - started < SECONDS


trailer_values = st.one_of(
    st.text(max_size=40),
    st.from_regex(r"\A[0-9]{1,400}(\.[0-9]{1,5})?[dhm]\Z"),
    st.sampled_from(["M-001/task-001 100", "M-001/task-001 999", "1e400h", "nanh", "\x1b[2J"]),
)


TRAILER_KEYS = ["Time-Spent", "Progress", "Completes", "Blocker", "Milestone", "Task"]


@given(st.lists(st.tuples(st.sampled_from(TRAILER_KEYS), trailer_values), max_size=6))
def test_any_trailer_block_is_read_and_folded_without_an_exception(
    trailers: list[tuple[str, str]],
) -> None:
    info = CommitInfo("a" * 40, "2026-11-02T10:00:00.000Z", "A <a@x>", tuple(trailers))
    events, _ = commit_events(info)

    for facts in task_facts(events).values():
        hours(facts.time_spent)  # formatting a sum never overflows
        assert facts.time_spent <= 1000 * len(trailers)


yaml_pieces = st.sampled_from(
    [
        "estimated_hours: .nan\n",
        "estimated_hours: 1e400\n",
        "estimated_hours: " + "9" * 5000 + "\n",
        "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n",
        "tasks: " + "[" * 200 + "]" * 200 + "\n",
        "tasks:\n  - id: task-001\n    title: \x1b[2J\n    estimated_hours: -1\n",
        "id: M-002\n",
        "title: [a]\n",
        "progress: 101\n",
        "!!python/object:os.system {}\n",
        "\x00\xff\n",
        "dependencies: {requires: [M-001, M-001]}\n",
    ]
)


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(yaml_pieces, max_size=3), st.text(max_size=30))
def test_any_milestone_file_is_read_or_refused_cleanly(
    initialized: Path,
    run_cli: Callable[..., Result],
    tmp_path: Path,
    pieces: list[str],
    noise: str,
) -> None:
    path = initialized / ".milestones/active/M-001.yaml"
    path.write_text("schema_version: 1\nid: M-001\ntitle: T\n" + "".join(pieces) + noise)
    before = sorted(p for p in tmp_path.rglob("*") if initialized not in p.parents)

    started = time.monotonic()
    results = [run_cli("show", "M-001", "--json"), run_cli("set", "M-001", "priority=high")]

    assert time.monotonic() - started < 2 * SECONDS
    for result in results:
        assert result.exit_code in (0, 1), result.output  # 1: a clean error, no traceback
        if result.exit_code == 1:
            assert result.output.startswith("Error: ") or "\nError: " in result.output
    assert sorted(p for p in tmp_path.rglob("*") if initialized not in p.parents) == before


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """The readers never reach for a remote."""
    monkeypatch.setenv("GIT_ALLOW_PROTOCOL", "file")


def _nesting(value: object) -> int:
    """How deep a decoded value nests (itself the first level), the plain recursive way."""
    children = value.values() if isinstance(value, dict) else value
    if not isinstance(value, dict | list):
        return 0
    return 1 + max((_nesting(c) for c in children), default=0)


deep_values = st.recursive(
    st.none() | st.integers(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=2), inner),
    max_leaves=30,
)


@given(st.dictionaries(st.text(max_size=4), deep_values, max_size=3), st.integers(1, 12))
def test_the_nesting_bound_is_exact(details: dict[str, object], room: int) -> None:
    from gitmilestone.core.untrusted import _within

    assert _within(details, room) == (_nesting(details) <= room)
