"""`git milestone resume`: interrupted work picked up again, here and on another clone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.commands.sessions import rebuild_resume_cache
from gitmilestone.git.localstate import checkout_summary
from tests.cli.helpers import assert_user_error
from tests.cli.test_session import S1, fixed_day  # noqa: F401  (S1 is dated by fixed_day)
from tests.conftest import git
from tests.test_sessions import commit, planned
from tests.test_snapshot import state_of

WIP = "refs/milestones/wip/*:refs/milestones/wip/*"
NOTES = "refs/notes/milestones:refs/notes/milestones"


def interrupt(root: Path, run_cli: Callable[..., Result]) -> tuple[bytes, str, dict[str, bytes]]:
    """Work on M-001/task-001 (one staged, one unstaged, one untracked change) and pause it.
    Returns the state of the work tree at the pause."""
    assert run_cli("start", "M-001/task-001").exit_code == 0
    (root / "README.md").write_text("hello\nlogin form\n")
    (root / "src").mkdir()
    (root / "src/login.py").write_text("def login():\n    pass\n")
    (root / "plan.txt").write_text("planned\nstaged note\n")
    git(root, "add", "plan.txt")
    at_pause = state_of(root)
    result = run_cli(
        "pause",
        "-m",
        "Login form drafted; submit handler next",
        "--next",
        "Wire submit",
        "--next",
        "Test the form",
    )
    assert result.exit_code == 0, result.output
    assert state_of(root) == at_pause  # the pause touched nothing
    return at_pause


def discard(root: Path) -> None:
    git(root, "reset", "-q", "--hard")
    git(root, "clean", "-qfd")


def test_an_interrupted_flow_end_to_end(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    at_pause = interrupt(initialized, run_cli)
    discard(initialized)  # the work is gone from the work tree; the snapshot keeps it
    git(initialized, "switch", "-qc", "hotfix")
    commit(initialized, "Urgent fix", **{"fix.txt": "fixed\n"})
    assert checkout_summary(initialized, initialized / ".git", "hotfix") == []
    git(initialized, "switch", "-q", "main")

    summary = checkout_summary(initialized, initialized / ".git", "main")
    shown = run_cli("resume")
    restored = run_cli("resume", "--restore")

    assert len(summary) <= 3 and f"paused here: {S1} (M-001/task-001)" in summary[0]
    assert "3 uncommitted files saved" in summary[1]
    out = shown.output.splitlines()
    assert out[0].startswith(f"Resume {S1}: paused ")
    assert "  Task       M-001/task-001  Login  (pending)" in out
    assert out[out.index("Context") + 1] == "  Login form drafted; submit handler next"
    assert out[out.index("Next steps") + 1 : out.index("Next steps") + 3] == [
        "  1. Wire submit",
        "  2. Test the form",
    ]
    assert "  staged     plan.txt" in out and "  untracked  src/login.py" in out
    assert "  no new commits" in out  # the hotfix went to another branch
    assert any("`git milestone resume --restore` brings the snapshot back" in x for x in out)
    assert f"Resumed {S1}: its clock runs again" in shown.output
    assert restored.exit_code == 0, restored.output
    assert "Restored 3 files from" in restored.output
    assert state_of(initialized)[1:] == at_pause[1:]  # status and every file as at the pause
    again = run_cli("resume").output  # the session is open now: the answer is the work tree
    assert again.startswith(f"Session {S1} is active")
    assert "Uncommitted work now: 1 staged, 1 unstaged, 1 untracked" in again
    assert checkout_summary(initialized, initialized / ".git", "main") == []  # resumed
    assert run_cli("stop").output.startswith(f"Ended {S1} (M-001/task-001): ")


def test_resume_json_is_the_resume_point(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    interrupt(initialized, run_cli)

    data = json.loads(run_cli("resume", "--peek", "--json").output)

    assert data["session_id"] == S1 and data["active_milestone"] == "M-001"
    assert data["current_task"] == "task-001"
    assert data["context"] == {
        "working_directory": ".",
        "open_files": ["README.md", "plan.txt", "src/login.py"],
        "current_branch": "main",
        "uncommitted_changes": True,
        "notes": "Login form drafted; submit handler next",
        "next_steps": ["Wire submit", "Test the form"],
    }
    assert set(data["progress_snapshot"]) == {
        "completed_tasks",
        "in_progress_tasks",
        "time_spent_today",
        "blockers",
    }
    assert data["resumed"] is False and data["restored"] is None
    assert data["snapshot"]["worktree"] == "matches"
    assert "paused" in run_cli("sessions").output  # --peek left it paused


def test_across_two_clones_through_a_bare_remote(
    initialized: Path,
    run_cli: Callable[..., Result],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    planned(initialized, run_cli)
    bare = tmp_path / "origin.git"
    git(tmp_path, "init", "-q", "--bare", str(bare))
    git(initialized, "remote", "add", "origin", str(bare))
    git(initialized, "switch", "-qc", "milestone/M-001/task-001-login")
    git(initialized, "push", "-q", "origin", "milestone/M-001/task-001-login")
    at_pause = interrupt(initialized, run_cli)
    git(initialized, "push", "-q", "origin", NOTES, WIP)

    other = tmp_path / "laptop"
    git(tmp_path, "clone", "-q", str(bare), str(other))
    git(other, "fetch", "-q", "origin", NOTES, WIP)
    git(other, "switch", "-q", "milestone/M-001/task-001-login")
    assert rebuild_resume_cache(other, other / ".git") == 1
    summary = checkout_summary(other, other / ".git", "milestone/M-001/task-001-login")
    monkeypatch.chdir(other)
    shown = run_cli("resume")
    restored = run_cli("resume", "--restore")

    assert "Login form drafted" in summary[1]
    assert shown.exit_code == 0, shown.output
    assert "  Login form drafted; submit handler next" in shown.output
    assert "no uncommitted work here" in shown.output
    assert restored.exit_code == 0, restored.output
    assert state_of(other)[1:] == at_pause[1:]
    assert "active" in run_cli("sessions").output  # continued on the laptop

    (other / "src/login.py").write_text("def login():\n    return submit()\n")
    assert run_cli("pause", "-m", "Submit wired on the laptop").exit_code == 0
    git(other, "push", "-q", "origin", NOTES, WIP)  # the snapshot ref moved forward: no force
    git(initialized, "fetch", "-q", "origin", NOTES, WIP)
    monkeypatch.chdir(initialized)
    back = json.loads(run_cli("resume", "--peek", "--json").output)
    assert back["context"]["notes"] == "Submit wired on the laptop"
    assert back["snapshot"]["available"] and back["snapshot"]["worktree"] == "differs"


def test_resume_with_no_history(initialized: Path, run_cli: Callable[..., Result]) -> None:
    fresh = run_cli("resume")
    commit(initialized, "Plan with git-milestone", **{".milestones/active/.gitkeep": ""})

    result = run_cli("resume")

    assert fresh.exit_code == 0 and "Uncommitted work now: 7 untracked" in fresh.output
    assert result.exit_code == 0
    assert result.output.startswith("Nothing to resume on main yet")
    assert_user_error(run_cli("resume", "--restore"), "nothing to restore")


def test_resume_an_unknown_session(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    run_cli("start", "M-001")

    lines = assert_user_error(run_cli("resume", "--session", "session-19990101-001"), "no session")

    assert S1 in lines[-1]


def test_restore_of_a_pruned_snapshot(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    interrupt(initialized, run_cli)
    discard(initialized)
    git(initialized, "update-ref", "-d", f"refs/milestones/wip/{S1}")
    git(initialized, "reflog", "expire", "--expire=now", "--all")
    git(initialized, "gc", "-q", "--prune=now")

    shown = run_cli("resume", "--peek")
    lines = assert_user_error(run_cli("resume", "--restore"), "is gone")

    assert "the snapshot is not in this clone" in shown.output
    assert "git milestone sync" in lines[-1]
    assert git(initialized, "status", "--porcelain") == ""


def test_restore_refuses_to_overwrite(initialized: Path, run_cli: Callable[..., Result]) -> None:
    planned(initialized, run_cli)
    interrupt(initialized, run_cli)
    discard(initialized)
    (initialized / "README.md").write_text("my newer work\n")

    assert_user_error(run_cli("resume", "--restore"), "would overwrite", "README.md")

    assert (initialized / "README.md").read_text() == "my newer work\n"
    assert not (initialized / "src").exists()
    assert "paused" in run_cli("sessions").output  # a refused restore resumes nothing


def test_restore_with_conflicts_in_the_index(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    interrupt(initialized, run_cli)
    discard(initialized)
    git(initialized, "checkout", "-qb", "side")
    commit(initialized, "side", **{"README.md": "side\n"})
    git(initialized, "checkout", "-q", "main")
    commit(initialized, "main", **{"README.md": "main\n"})
    git(initialized, "merge", "-q", "side", check=False)

    assert_user_error(run_cli("resume", "--restore"), "cannot restore during a merge")
    (initialized / ".git/MERGE_HEAD").unlink()
    assert_user_error(run_cli("resume", "--restore"), "unresolved conflicts", "README.md")
