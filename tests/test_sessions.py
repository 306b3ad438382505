"""Work sessions: the fold of session_* events, session ids, and start/pause/stop in real
repositories."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.analysis.timeaccount import TimeRules
from gitmilestone.commands import sessions
from gitmilestone.core.events import Event
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.git import localstate as resume_state
from gitmilestone.git.repo import discover
from tests.conftest import git

RULES = TimeRules()


def commit(root: Path, message: str, **files: str) -> str:
    for name, text in (files or {"f.txt": message}).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def planned(repo: Path, run_cli: Callable[..., Result]) -> Path:
    """A first commit, then M-001 with task-001 (4h) and task-002 (6h, after task-001)."""
    commit(repo, "base", **{"README.md": "hello\n"})
    assert run_cli("new", "Auth", "--hours", "10").exit_code == 0
    assert run_cli("task", "add", "M-001", "Login", "--hours", "4").exit_code == 0
    result = run_cli("task", "add", "M-001", "Reset", "--hours", "6", "--depends", "task-001")
    assert result.exit_code == 0
    commit(repo, "plan", **{"plan.txt": "planned\n"})
    return repo


def ev(
    kind: str,
    stamp: str,
    eid: str,
    sid: str = "session-20261102-001",
    origin: str | None = "s1",
    seq: int = 0,
    **details: Any,
) -> Event:
    extra: dict[str, Any] = {"session": sid, **details}
    if origin and kind != "session_started":
        extra["origin"] = origin
    if seq:
        extra["seq"] = seq
    return Event(
        id=eid,
        timestamp=f"2026-11-02T{stamp}:00Z",
        event_type=kind,
        milestone_id="M-001",
        task_id="task-001",
        details=extra,
        session_id=sid,
        author="Ann <ann@example.com>",
    )


LIFE = [
    ev("session_started", "09:00", "s1", branch="main"),
    ev("session_paused", "10:30", "p1", notes="half way", branch="main"),
    ev("session_resumed", "13:00", "r1"),
    ev("session_paused", "14:00", "p2", notes="nearly", branch="feature"),
]


# -- the fold (pure) -------------------------------------------------------------------------


def test_fold_gives_status_segments_and_time() -> None:
    [s] = sessions.fold(LIFE)

    assert (s.id, s.key, s.status, s.task_ref) == (
        "session-20261102-001",
        "s1",
        "paused",
        "M-001/task-001",
    )
    assert s.segments == (
        ("2026-11-02T09:00:00Z", "2026-11-02T10:30:00Z"),
        ("2026-11-02T13:00:00Z", "2026-11-02T14:00:00Z"),
    )
    assert s.hours("2026-11-02T18:00:00Z", RULES) == 2.5  # paused: the clock is stopped
    assert s.last_pause is not None and s.last_pause.details["notes"] == "nearly"


def test_an_open_session_counts_up_to_now_but_not_past_the_cap() -> None:
    [s] = sessions.fold(LIFE[:3])

    assert s.status == "active"
    assert s.hours("2026-11-02T13:45:00Z", RULES) == 2.25
    assert s.hours("2026-11-03T13:00:00Z", RULES) == 1.5 + RULES.max_session_hours


def test_ending_closes_the_session() -> None:
    [s] = sessions.fold([*LIFE[:3], ev("session_ended", "15:00", "e1")])

    assert s.status == "ended" and s.hours("2026-11-09T00:00:00Z", RULES) == 3.5


@given(st.permutations(LIFE), st.lists(st.sampled_from(LIFE), max_size=4))
def test_order_and_duplicates_do_not_change_the_fold(order: list[Event], dups: list[Event]) -> None:
    assert sessions.fold([*order, *dups]) == sessions.fold(LIFE)


def test_events_within_one_second_keep_their_order_by_seq() -> None:
    # pause and resume in the same second: random ids would otherwise decide the order
    same = [
        ev("session_started", "09:00", "s1", seq=1),
        ev("session_paused", "09:00", "zz", seq=2),
        ev("session_resumed", "09:00", "aa", seq=3),
    ]

    assert sessions.fold(same)[0].status == "active"
    assert sessions.fold(same[:2])[0].status == "paused"


def test_two_clones_choosing_the_same_id_stay_two_sessions() -> None:
    theirs = [
        ev("session_started", "09:05", "t1", origin=None, branch="b"),
        ev("session_paused", "09:35", "t2", origin="t1"),
    ]

    found = sessions.fold([*LIFE, *theirs])

    assert [(s.id, s.key) for s in found] == [
        ("session-20261102-001", "s1"),
        ("session-20261102-001", "t1"),
    ]
    assert found[1].hours("2026-11-02T18:00:00Z", RULES) == 0.5
    assert sessions.find(found, "session-20261102-001").key == "t1"  # the newest


def test_events_without_origin_join_the_newest_session_of_that_id() -> None:
    [s] = sessions.fold([LIFE[0], ev("session_ended", "09:30", "e1", origin=None)])

    assert s.status == "ended" and s.key == "s1"


def test_other_event_types_are_ignored() -> None:
    other = Event(
        id="x", timestamp="2026-11-02T09:00:00Z", event_type="task_done", milestone_id=None
    )

    assert sessions.fold([other]) == []


def test_session_ids_count_per_day() -> None:
    day = dt.date(2026, 11, 2)
    known = ["session-20261102-001", "session-20261102-007", "session-20261101-042", "other"]

    assert sessions.next_session_id([], day) == "session-20261102-001"
    assert sessions.next_session_id(known, day) == "session-20261102-008"
    assert sessions.next_session_id(known, dt.date(2026, 11, 3)) == "session-20261103-001"


def test_find_by_id_or_prefix() -> None:
    found = sessions.fold(LIFE)

    assert sessions.find(found, "session-20261102-001").key == "s1"
    assert sessions.find(found, "session-2026").key == "s1"
    with pytest.raises(NotFoundError, match="no session 'session-1999'"):
        sessions.find(found, "session-1999")


# -- in a repository ---------------------------------------------------------------------------


def test_start_records_an_event_and_the_work_tree_state(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-20T09:00:00Z")
    planned(initialized, run_cli)
    paths = discover(initialized)

    s = sessions.start(paths, "M-001", "task-001")

    assert s.id == "session-20261120-001"
    note = git(initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD")
    event = json.loads(next(x for x in note.splitlines() if "session_started" in x))
    assert event["session_id"] == s.id and event["details"]["session"] == s.id
    assert (event["milestone_id"], event["task_id"]) == ("M-001", "task-001")
    assert resume_state.active_session(paths.common_dir, paths.git_dir) == {
        "session_id": s.id,
        "milestone_id": "M-001",
        "task_id": "task-001",
    }
    with pytest.raises(ConflictError, match="already open"):
        sessions.start(paths, "M-001", None)


def test_pause_then_stop(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    paths = discover(initialized)
    first = sessions.start(paths, "M-001", "task-001")

    paused = sessions.pause(paths, "half way", ["finish"], RULES)

    assert paused.session.key == first.key and paused.session.status == "paused"
    assert paused.snapshot is None and not paused.started_now  # nothing uncommitted
    assert resume_state.active_session(paths.common_dir, paths.git_dir) is None
    ended, total = sessions.stop(paths, "done", RULES)
    assert ended.status == "ended" and total >= 0
    assert resume_state.read_worktree(paths.common_dir, paths.git_dir) is None
    with pytest.raises(NotFoundError, match="no session is open"):
        sessions.stop(paths, "", RULES)
    second = sessions.start(paths, None, None)
    assert second.id.endswith("-002")


def test_pause_without_a_session_opens_one_from_the_branch(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    git(initialized, "checkout", "-q", "-b", "milestone/M-001/task-002-reset")
    paths = discover(initialized)

    paused = sessions.pause(paths, "", [], RULES)

    assert paused.started_now
    assert paused.session.task_ref == "M-001/task-002"
    assert paused.event.details["branch"] == "milestone/M-001/task-002-reset"


def test_pause_on_an_unborn_branch_is_refused(initialized: Path) -> None:
    with pytest.raises(MilestoneError, match="no commit yet"):
        sessions.pause(discover(initialized), "x", [], RULES)
    assert not (initialized / ".git/milestones" / resume_state.STATE_FILE).exists()
