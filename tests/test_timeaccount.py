"""Time spent: sessions first, then Time-Spent trailers, then the gap rule over commit times;
and the efficiency ratio in `show` and `status`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.analysis import timeaccount
from gitmilestone.analysis.timeaccount import Spent, TimeRules
from gitmilestone.commands import sessions
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone
from tests.conftest import git
from tests.test_sessions import LIFE, ev

RULES = TimeRules(session_gap_minutes=120, first_commit_minutes=30, max_session_hours=10)
HOUR = 3600


def test_rules_come_from_the_config_with_defaults() -> None:
    assert TimeRules.from_config({}) == TimeRules()
    rules = TimeRules.from_config(
        {"time": {"session_gap_minutes": 60, "first_commit_minutes": None}}
    )
    assert rules == TimeRules(session_gap_minutes=60)


def test_span_hours_is_never_negative_and_capped() -> None:
    assert timeaccount.span_hours("2026-11-02T09:00:00Z", "2026-11-02T10:30:00Z", 10) == 1.5
    assert timeaccount.span_hours("2026-11-02T10:00:00+01:00", "2026-11-02T09:30:00Z", 10) == 0.5
    assert timeaccount.span_hours("2026-11-02T10:00:00Z", "2026-11-02T09:00:00Z", 10) == 0
    assert timeaccount.span_hours("2026-11-01T00:00:00Z", "2026-11-03T00:00:00Z", 10) == 10


def test_gap_rule() -> None:
    commits = [
        ("c1", "ann", 0),  # first of the day: 30 min
        ("c2", "ann", HOUR),  # 1 h after c1
        ("c3", "bob", HOUR + 60),  # bob's first
        ("c4", "ann", 5 * HOUR),  # 4 h gap > 2 h: a new stretch, 30 min
    ]

    assert timeaccount.gap_estimate(commits, RULES) == {"c1": 0.5, "c2": 1.0, "c3": 0.5, "c4": 0.5}


@given(st.lists(st.tuples(st.sampled_from(["ann", "bob"]), st.integers(0, 10 * HOUR)), max_size=12))
def test_gap_rule_bounds(raw: list[tuple[str, int]]) -> None:
    commits = [(f"c{n}", who, when) for n, (who, when) in enumerate(raw)]
    hours = timeaccount.gap_estimate(commits, RULES)

    assert set(hours) == {c[0] for c in commits}
    assert all(
        0 <= h <= max(RULES.session_gap_minutes, RULES.first_commit_minutes) / 60
        for h in hours.values()
    )
    assert timeaccount.gap_estimate(reversed(commits), RULES) == hours  # order given is irrelevant


def trailer(kind: str, commit: str, task: str | None, **details: object) -> Event:
    return Event(
        id=f"{commit}-{kind}-{task}",
        timestamp="2026-11-02T09:00:00Z",
        event_type=kind,
        milestone_id="M-001",
        task_id=task,
        details=details,
        commit=commit,
        source="trailer",
    )


def test_sessions_beat_logged_time_which_beats_the_estimate() -> None:
    events = [
        trailer("task_worked", "c1", "task-001"),  # has a session (LIFE: 2.5 h)
        trailer("time_logged", "c2", "task-002", time_spent=3.0),
        trailer("task_worked", "c2", "task-002"),
        trailer("task_worked", "c3", "task-003"),  # only commits: estimated
        trailer("commit_linked", "c4", None),  # the milestone as a whole
    ]
    found = sessions.fold(LIFE)
    commit_hours = {"c1": 1.0, "c2": 1.0, "c3": 0.75, "c4": 0.5}

    work = timeaccount.CommitWork.of(timeaccount.linked_commits(events), commit_hours)
    spent = timeaccount.spent(events, found, "2026-11-02T18:00:00Z", RULES, work)

    assert spent == {
        ("M-001", "task-001"): Spent(2.5, "sessions"),
        ("M-001", "task-002"): Spent(3.0, "logged"),
        ("M-001", "task-003"): Spent(0.75, "estimated"),
        ("M-001", None): Spent(0.5, "estimated"),
    }
    # Only the commits of work no session or log accounts for are estimated: c3 and c4.
    known = {("M-001", "task-001"), ("M-001", "task-002")}
    assert work.estimated(known) == {("M-001", "task-003"): 0.75, ("M-001", None): 0.5}


def test_a_commit_naming_two_tasks_splits_its_time() -> None:
    events = [trailer("task_worked", "c1", "task-001"), trailer("task_completed", "c1", "task-002")]

    work = timeaccount.CommitWork.of(timeaccount.linked_commits(events), {"c1": 1.0})
    spent = timeaccount.spent(events, [], "2026-11-02T18:00:00Z", RULES, work)

    assert spent[("M-001", "task-001")] == spent[("M-001", "task-002")] == Spent(0.5, "estimated")


def test_hours_today_clips_at_midnight() -> None:
    late = [
        ev("session_started", "09:00", "s1"),
        ev("session_paused", "10:00", "p1"),
    ]
    [s] = sessions.fold(late)
    yesterday = [
        Event(
            id="y1",
            timestamp="2026-11-01T23:00:00Z",
            event_type="session_started",
            milestone_id=None,
            details={"session": "session-20261101-001"},
            author="Ann <ann@example.com>",
        )
    ]
    [open_] = sessions.fold(yesterday)

    now = "2026-11-02T12:00:00Z"
    assert timeaccount.hours_today([s], now, RULES) == 1.0
    assert timeaccount.hours_today([open_], now, RULES) == 10  # capped: a forgotten session
    assert timeaccount.hours_today([s], now, RULES, author="Bob <bob@example.com>") == 0


def test_efficiency_is_earned_over_spent() -> None:
    m = Milestone(id="M-001", title="Auth", path="x", estimated_hours=80)
    spent = {("M-001", "task-001"): Spent(30, "sessions"), ("M-001", None): Spent(10, "estimated")}

    t = timeaccount.milestone_time(m, 60.0, spent)

    assert t["estimated_hours"] == 80 and t["actual_hours"] == 40
    assert t["earned_hours"] == 48 and t["efficiency"] == 1.2
    assert t["source"] == "mixed" and t["tasks"] == {"task-001": 30}
    idle = timeaccount.milestone_time(m, 60.0, {})
    assert idle["efficiency"] is None and idle["actual_hours"] == 0 and idle["source"] is None


# -- in a repository: commits at known times ------------------------------------------------


def commit_at(root: Path, when: str, message: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_AUTHOR_DATE", when)
    monkeypatch.setenv("GIT_COMMITTER_DATE", when)
    (root / "f.txt").write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)


@pytest.fixture
def worked(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> Path:
    """M-001 (10 h) with task-001 (4 h) done in commits at 09:00, 10:00 and 11:30."""
    commit_at(initialized, "2026-11-02T08:00:00Z", "base", monkeypatch)
    run_cli("new", "Auth", "--hours", "10")
    run_cli("task", "add", "M-001", "Login", "--hours", "4")
    run_cli("task", "add", "M-001", "Reset", "--hours", "6")
    for when, msg in (("09:00", "Task"), ("10:00", "Task"), ("11:30", "Completes")):
        commit_at(
            initialized,
            f"2026-11-02T{when}:00Z",
            f"w {when}\n\n{msg}: M-001/task-001\n",
            monkeypatch,
        )
    return initialized


def test_show_and_status_estimate_time_from_commits(
    worked: Path, run_cli: Callable[..., Result]
) -> None:
    # 09:00 is 1 h after the base commit (within the 2 h gap), 10:00 +1 h, 11:30 +1.5 h
    data = json.loads(run_cli("show", "M-001", "--json").output)["computed"]["time"]

    assert data == {
        "estimated_hours": 10,
        "actual_hours": 3.5,
        "earned_hours": 4.0,
        "efficiency": 1.14,
        "source": "estimated",
        "tasks": {"task-001": 3.5},
    }
    assert "  3.5 h spent (estimated) of 10 h estimated · 4 h earned · efficiency 1.14" in (
        run_cli("show", "M-001").output.splitlines()
    )
    row = next(x for x in run_cli("status").output.splitlines() if x.startswith("  M-001"))
    assert row.endswith("· 3h30m spent (10h est.) · efficiency 1.14")
    status = json.loads(run_cli("status", "--json").output)
    assert status["milestones"][0]["time"]["actual_hours"] == 3.5


def test_the_gap_rule_is_configurable(worked: Path, run_cli: Callable[..., Result]) -> None:
    cfg = worked / ".milestones/config/milestone-config.yaml"
    text = cfg.read_text()
    cfg.write_text(text.replace("session_gap_minutes: 120", "session_gap_minutes: 75"))

    data = json.loads(run_cli("show", "M-001", "--json").output)["computed"]["time"]

    assert data["actual_hours"] == 2.5  # 1 h + 1 h + 30 min (the 1.5 h gap is now too long)


def test_a_bad_time_setting_is_an_error(worked: Path, run_cli: Callable[..., Result]) -> None:
    cfg = worked / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("session_gap_minutes: 120", "session_gap_minutes: -5"))

    result = run_cli("status")

    assert result.exit_code == 1
    assert "milestone-config.yaml" in result.output and "time.session_gap_minutes" in result.output


def test_no_time_no_change_to_the_status_row(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth", "--hours", "10")

    row = next(x for x in run_cli("status").output.splitlines() if x.startswith("  M-001"))

    assert "spent" not in row
