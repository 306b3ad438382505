"""`git milestone start`, `pause`, `stop` and `sessions`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error
from tests.conftest import Prebuilt, git
from tests.test_sessions import commit, planned

DAY = "2026-11-20"  # the clock every command here reads (GIT_MILESTONE_DATE), at 09:00 UTC
TODAY = DAY.replace("-", "")


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", f"{DAY}T09:00:00Z")


S1 = f"session-{TODAY}-001"


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    prebuilt("test_session.plan", lambda root: planned(root, run_cli))
    return initialized


def notes_and_refs(root: Path) -> tuple[str, str]:
    notes = git(root, "notes", "--ref=refs/notes/milestones", "list", check=False)
    return notes, git(root, "for-each-ref", "refs/milestones")


@pytest.mark.parametrize(
    ("args", "shown"),
    [
        (("M-001", "--task", "task-002"), "M-001/task-002"),
        (("M-001/task-001",), "M-001/task-001"),
        (("--task", "task-002"), "M-001/task-002"),
        (("M-001",), "M-001"),
        ((), None),
    ],
)
def test_start(
    plan: Path, run_cli: Callable[..., Result], args: tuple[str, ...], shown: str | None
) -> None:
    result = run_cli("start", *args)

    assert result.exit_code == 0, result.output
    assert result.output == f"Started {S1}" + (f" on {shown}" if shown else "") + "\n"


def test_start_json_and_a_second_start(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("start", "M-001", "--task", "task-001", "--json").output)

    assert data["session_id"] == S1 and data["task_id"] == "task-001"
    lines = assert_user_error(run_cli("start", "M-001"), f"session {S1} is already open")
    assert "git milestone pause" in lines[-1]


def test_start_on_an_unknown_task(plan: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("start", "M-009"), "unknown milestone 'M-009'")
    assert_user_error(run_cli("start", "M-001", "--task", "task-404"), "unknown task 'task-404'")
    assert git(plan, "for-each-ref", "refs/milestones") == ""


def test_start_needs_init(repo: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("start"), "no .milestones/")


def test_pause_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("start", "M-001/task-001")
    (plan / "README.md").write_text("edited\n")
    (plan / "draft.md").write_text("draft\n")

    result = run_cli("pause", "-m", "Half way", "--next", "Finish", "--next", "Test")

    lines = result.output.splitlines()
    assert result.exit_code == 0, result.output
    assert lines[0].startswith(f"Paused {S1} (M-001/task-001)")
    sha = git(plan, "rev-parse", f"refs/milestones/wip/{S1}").strip()
    assert lines[1] == (
        f"  saved 2 uncommitted files as {sha[:10]} in refs/milestones/wip/{S1} "
        "(your files are untouched)"
    )
    assert lines[2] == "  next: Finish; Test"
    assert (plan / "README.md").read_text() == "edited\n"


def test_pause_json_opens_a_session_when_none_is(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    (plan / "draft.md").write_text("draft\n")

    data = json.loads(run_cli("pause", "-m", "quick", "--json").output)

    assert data["started_now"] and data["session_id"] == S1
    assert data["changes"]["untracked"] == ["draft.md"]
    assert data["changes"]["counts"] == {"staged": 0, "unstaged": 0, "untracked": 1}
    assert data["ref"] == f"refs/milestones/wip/{S1}"
    assert run_cli("pause", "--json").exit_code == 0  # pausing a paused session again is fine


def test_pause_during_a_merge_changes_nothing(plan: Path, run_cli: Callable[..., Result]) -> None:
    git(plan, "checkout", "-qb", "side")
    commit(plan, "side", **{"README.md": "side\n"})
    git(plan, "checkout", "-q", "main")
    commit(plan, "main", **{"README.md": "main\n"})
    git(plan, "merge", "-q", "side", check=False)
    before = notes_and_refs(plan)

    lines = assert_user_error(run_cli("pause", "-m", "x"), "cannot pause during a merge")

    assert "git merge --abort" in lines[-1]
    assert notes_and_refs(plan) == before
    assert "README.md" in git(plan, "diff", "--name-only", "--diff-filter=U")


def test_pause_during_a_rebase(plan: Path, run_cli: Callable[..., Result]) -> None:
    (plan / ".git/rebase-merge").mkdir()

    assert_user_error(run_cli("pause"), "cannot pause during a rebase")


def test_pause_before_the_first_commit(initialized: Path, run_cli: Callable[..., Result]) -> None:
    lines = assert_user_error(run_cli("pause", "-m", "x"), "no commit yet")

    assert "git commit --allow-empty" in lines[-1]


def test_stop(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("start", "M-001")

    assert run_cli("stop", "-m", "done for today").output == f"Ended {S1} (M-001): 0m in total\n"
    assert_user_error(run_cli("stop"), "no session is open in this work tree")


def test_sessions_lists_time_per_session_and_task(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("start", "M-001/task-001")
    run_cli("pause", "-m", "first")
    run_cli("stop")
    run_cli("start", "M-001/task-002")

    lines = run_cli("sessions").output.splitlines()

    assert lines[0].split() == ["SESSION", "STATUS", "TASK", "STARTED", "TIME", "BY"]
    assert lines[1].split()[:3] == [S1, "ended", "M-001/task-001"]
    assert lines[2].split()[:3] == [f"session-{TODAY}-002", "active", "M-001/task-002"]
    assert lines[2].endswith("Test User")
    data = json.loads(run_cli("sessions", "--milestone", "M-001", "--json").output)
    assert [s["notes"] for s in data["sessions"]] == ["first", ""]
    assert {t["source"] for t in data["tasks"]} <= {"sessions"}


def test_sessions_when_there_are_none(plan: Path, run_cli: Callable[..., Result]) -> None:
    assert run_cli("sessions").output.startswith("No work sessions yet.")


@pytest.mark.parametrize("command", ["start", "pause", "stop", "resume", "sessions"])
def test_help_has_examples(run_cli: Callable[..., Result], command: str) -> None:
    result = run_cli(command, "--help")

    assert result.exit_code == 0
    assert "Usage:" in result.output
    if command != "stop":
        assert f"  git milestone {command}" in result.output  # an example
