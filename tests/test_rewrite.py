"""Events survive amend, rebase and squash: real hooks fired by real git commands."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.git.rewrite import parse_pairs
from tests.conftest import Prebuilt, git

NOTES = "refs/notes/milestones"


@pytest.fixture
def hooked(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """A planned repository with the hooks installed and a base commit on main."""

    def build(root: Path) -> None:
        assert run_cli("install").exit_code == 0
        assert run_cli("new", "Auth").exit_code == 0
        for title in ("Login", "Logout", "Reset"):
            assert run_cli("task", "add", "M-001", title, "--hours", "2").exit_code == 0
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "Plan")

    prebuilt("test_rewrite.hooked", build)
    return initialized


def commit(root: Path, message: str, name: str) -> str:
    (root / name).write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def log(run_cli: Callable[..., Result], *args: str) -> list[dict[str, object]]:
    result = run_cli("log", "--json", *args)
    assert result.exit_code == 0, result.output
    return list(json.loads(result.stdout))


def hours(events: list[dict[str, object]]) -> float:
    return sum(
        float(e["details"]["time_spent"])  # type: ignore[index]
        for e in events
        if e["event_type"] == "time_logged"
    )


def test_amend_keeps_note_events_and_counts_trailers_once(
    hooked: Path, run_cli: Callable[..., Result]
) -> None:
    commit(hooked, "Login form\n\nTask: M-001/task-001\nTime-Spent: 1h", "a.txt")
    assert run_cli("task", "block", "M-001/task-002", "--reason", "waiting for API").exit_code == 0
    git(hooked, "commit", "-q", "--amend", "-m", "Login form, tested\n\nTask: M-001/task-001\n"
        "Time-Spent: 1h")  # fmt: skip

    events = log(run_cli)

    assert hours(events) == 1.0
    assert [e["event_type"] for e in events].count("task_blocked") == 1
    head = git(hooked, "rev-parse", "HEAD").strip()
    assert all(e["commit"] == head for e in events if e["event_type"] == "task_blocked")


def test_rebase_moves_events_to_the_new_commits(
    hooked: Path, run_cli: Callable[..., Result]
) -> None:
    git(hooked, "checkout", "-q", "-b", "feature")
    commit(hooked, "Login\n\nCompletes: M-001/task-001\nTime-Spent: 2h", "a.txt")
    assert run_cli("task", "start", "M-001/task-002").exit_code == 0
    commit(hooked, "Start logout", "a2.txt")
    git(hooked, "checkout", "-q", "main")
    commit(hooked, "Unrelated fix", "b.txt")
    git(hooked, "checkout", "-q", "feature")
    git(hooked, "rebase", "-q", "main")

    events = log(run_cli)

    assert hours(events) == 2.0
    kinds = [e["event_type"] for e in events]
    assert kinds.count("task_started") == 1 and kinds.count("task_completed") == 1
    assert "1/3 tasks" in run_cli("status").stdout


def squash_all_but_first(root: Path, onto: str) -> None:
    env = {**os.environ, "GIT_SEQUENCE_EDITOR": "sed -i '2,$s/^pick/squash/'", "GIT_EDITOR": "true"}
    import subprocess

    subprocess.run(["git", "rebase", "-q", "-i", onto], cwd=root, env=env, check=True,
                   capture_output=True)  # fmt: skip


def test_squash_keeps_every_trailer_fact_exactly_once(
    hooked: Path, run_cli: Callable[..., Result]
) -> None:
    base = git(hooked, "rev-parse", "HEAD").strip()
    commit(hooked, "Login\n\nCompletes: M-001/task-001\nTime-Spent: 1h", "a.txt")
    assert run_cli("task", "start", "M-001/task-003").exit_code == 0
    commit(hooked, "Logout\n\nCompletes: M-001/task-002\nTime-Spent: 1h30m", "b.txt")
    commit(hooked, "Polish\n\nTime-Spent: 30m", "c.txt")
    before = log(run_cli)

    squash_all_but_first(hooked, base)

    assert git(hooked, "rev-list", "--count", f"{base}..HEAD").strip() == "1"
    after = log(run_cli)
    assert hours(after) == hours(before) == 3.0
    assert sorted(str(e["event_type"]) for e in after) == sorted(
        str(e["event_type"]) for e in before
    )
    assert "2/3 tasks" in run_cli("status").stdout
    # Running the hook again (or git copying notes as well) adds nothing.
    assert log(run_cli) == after


def test_without_notes_rewrite_config_the_hook_still_carries_notes(
    hooked: Path, run_cli: Callable[..., Result]
) -> None:
    git(hooked, "config", "--unset-all", "notes.rewriteRef")
    commit(hooked, "Login", "a.txt")
    assert run_cli("task", "done", "M-001/task-001").exit_code == 0
    git(hooked, "commit", "-q", "--amend", "-m", "Login, reworded")

    assert "1/3 tasks" in run_cli("status").stdout
    note = git(hooked, "notes", f"--ref={NOTES}", "show", "HEAD")
    assert "task_completed" in note


def test_parse_pairs_groups_a_squash_and_skips_noise() -> None:
    stdin = b"a1 n1\na2 n1 extra\nb1 n2\nsame same\n\ngarbage\n"
    assert parse_pairs(stdin) == {"n1": ["a1", "a2"], "n2": ["b1"]}


def test_hooks_never_touch_tracked_files_or_the_index(
    hooked: Path, run_cli: Callable[..., Result]
) -> None:
    def state() -> tuple[str, dict[str, bytes]]:
        files = {
            str(p.relative_to(hooked)): p.read_bytes()
            for p in sorted(hooked.rglob("*"))
            if p.is_file() and ".git" not in p.parts
        }
        return git(hooked, "status", "--porcelain"), files

    git(hooked, "checkout", "-q", "-b", "milestone/M-001/task-001-login")
    assert run_cli("start").exit_code == 0
    (hooked / "a.txt").write_text("work\n")
    git(hooked, "add", "a.txt")
    git(hooked, "commit", "-q", "-m", "Login\n\nCompletes: M-001/task-001\nTime-Spent: 1h")
    before = state()
    git(hooked, "checkout", "-q", "main")
    git(hooked, "merge", "-q", "--no-ff", "--no-edit", "milestone/M-001/task-001-login")
    git(hooked, "commit", "-q", "--amend", "--no-edit")
    after = state()

    assert before[0] == after[0] == ""  # nothing staged or modified by any hook
    assert before[1] == after[1]  # every file in the work tree as it was
