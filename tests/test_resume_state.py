"""The local resume state the hooks read: the open session of each work tree (commit-msg) and
the resume point of each branch (post-checkout), and the budget those reads keep."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.analysis.timeaccount import TimeRules
from gitmilestone.commands import sessions
from gitmilestone.git import localstate as resume_state
from gitmilestone.git import spawn as proc
from gitmilestone.git.repo import discover
from tests.conftest import git
from tests.test_sessions import LIFE, commit, ev, planned


def test_nothing_recorded_means_no_session_and_no_summary(repo: Path) -> None:
    git_dir = repo / ".git"

    assert resume_state.active_session(git_dir, git_dir) is None
    assert resume_state.checkout_summary(repo, git_dir, "main") == []


def test_a_broken_state_file_is_ignored(repo: Path) -> None:
    local = repo / ".git/milestones"
    local.mkdir()
    (local / resume_state.STATE_FILE).write_text("{not json")
    (local / resume_state.CACHE_FILE).write_text('{"v": 1, "branches": []}')

    assert resume_state.active_session(repo / ".git", repo / ".git") is None
    assert resume_state.checkout_summary(repo, repo / ".git", "main") == []


def test_active_only_while_the_session_is_open(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    planned(initialized, run_cli)
    paths = discover(initialized)
    s = sessions.start(paths, "M-001", "task-002")

    assert resume_state.active_session(str(paths.common_dir), str(paths.git_dir)) == {
        "session_id": s.id,
        "milestone_id": "M-001",
        "task_id": "task-002",
    }
    sessions.pause(paths, "", [], TimeRules())
    assert resume_state.active_session(paths.common_dir, paths.git_dir) is None


def test_each_work_tree_has_its_own_session(
    initialized: Path, run_cli: Callable[..., Result], tmp_path: Path
) -> None:
    planned(initialized, run_cli)
    other = tmp_path / "other"
    git(initialized, "worktree", "add", "-q", "-b", "side", str(other))
    main, linked = discover(initialized), discover(other)
    sessions.start(main, "M-001", "task-001")

    assert resume_state.active_session(linked.common_dir, linked.git_dir) is None
    sessions.start(linked, "M-001", "task-002")
    assert resume_state.active_session(linked.common_dir, linked.git_dir)["task_id"] == "task-002"  # type: ignore[index]
    assert resume_state.active_session(main.common_dir, main.git_dir)["task_id"] == "task-001"  # type: ignore[index]


@pytest.fixture
def paused(initialized: Path, run_cli: Callable[..., Result]) -> Path:
    planned(initialized, run_cli)
    paths = discover(initialized)
    sessions.start(paths, "M-001", "task-001")
    (initialized / "README.md").write_text("edited\n")
    (initialized / "new.txt").write_text("new\n")
    sessions.pause(paths, "Login form half done", ["Wire the submit", "Test"], TimeRules())
    return initialized


def test_checkout_summary_is_at_most_three_lines(paused: Path) -> None:
    lines = resume_state.checkout_summary(paused, paused / ".git", "main")

    assert len(lines) == 3
    assert lines[0].startswith("git-milestone: paused here: session-")
    assert "(M-001/task-001)" in lines[0] and "by Test User" in lines[0]
    assert (
        lines[1]
        == '  "Login form half done" · next: Wire the submit (+1) · 2 uncommitted files saved'
    )
    assert "--restore" in lines[2]
    assert resume_state.checkout_summary(paused, paused / ".git", "other") == []


def test_checkout_summary_counts_commits_since(paused: Path) -> None:
    commit(paused, "more", **{"more.txt": "x\n"})

    assert "1 commit since" in resume_state.checkout_summary(paused, paused / ".git", "main")[1]


def test_no_git_call_without_a_resume_point_and_one_with(
    paused: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[tuple[str, ...]] = []
    real = proc.git

    def counting(cwd: str, *args: str, stdin: str | None = None) -> tuple[int, str]:
        calls.append(args)
        return real(cwd, *args, stdin=stdin)

    monkeypatch.setattr(proc, "git", counting)
    monkeypatch.setattr(subprocess, "run", None)  # nothing may use subprocess either

    assert resume_state.checkout_summary(paused, paused / ".git", "elsewhere") == []
    assert calls == []
    assert resume_state.checkout_summary(paused, paused / ".git", "main")
    assert len(calls) == 1


def test_the_usual_commit_and_checkout_import_nothing_but_os(paused: Path) -> None:
    paths = discover(paused)
    sessions.reopen(paths, sessions.fold(sessions.load_events(paths.root, paths.common_dir))[0])
    code = (
        "import sys; before = set(sys.modules)\n"
        "from gitmilestone.git.localstate import checkout_summary, active_session\n"
        "assert checkout_summary('.', '.git', 'elsewhere') == []\n"
        "assert active_session('.git', '.git')['task_id'] == 'task-001'\n"
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=paused, capture_output=True, text=True, check=True
    )
    loaded = {m for m in eval(out.stdout) if not m.startswith("gitmilestone")}

    assert loaded <= {"__future__"}


def test_branch_names_that_json_escapes(paused: Path) -> None:
    for branch in ('quo"te', "ünïcode"):
        git(paused, "checkout", "-q", "-b", branch)
        sessions.pause(discover(paused), branch, [], TimeRules())
        assert branch in resume_state.checkout_summary(paused, paused / ".git", branch)[1]


def test_resume_moves_the_point_out_of_the_cache(paused: Path) -> None:
    paths = discover(paused)
    [s] = sessions.fold(sessions.load_events(paths.root, paths.common_dir))

    sessions.reopen(paths, s)

    assert resume_state.checkout_summary(paused, paused / ".git", "main") == []
    assert resume_state.active_session(paths.common_dir, paths.git_dir) is not None


def test_a_second_pause_on_another_branch_replaces_the_first(paused: Path) -> None:
    git(paused, "checkout", "-q", "-b", "feature")
    sessions.pause(discover(paused), "moved on", [], TimeRules())

    assert resume_state.checkout_summary(paused, paused / ".git", "main") == []
    assert '"moved on"' in resume_state.checkout_summary(paused, paused / ".git", "feature")[1]


def test_the_cache_is_rebuilt_from_the_notes(paused: Path) -> None:
    cache = paused / ".git/milestones" / resume_state.CACHE_FILE
    before = json.loads(cache.read_text())
    cache.unlink()

    assert sessions.rebuild_resume_cache(str(paused), str(paused / ".git")) == 1
    assert json.loads(cache.read_text()) == before


def test_resume_points_are_the_last_pause_of_each_paused_session() -> None:
    points = sessions.resume_points(sessions.fold(LIFE))

    assert list(points) == ["feature"]
    assert points["feature"]["notes"] == "nearly"
    assert points["feature"]["task_ref"] == "M-001/task-001"
    ended = sessions.fold([*LIFE, ev("session_ended", "15:00", "e1")])
    assert sessions.resume_points(ended) == {}


# -- wired into the real hooks ------------------------------------------------------------------


def test_hooks_use_the_open_session_and_show_the_resume_point(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    import subprocess

    assert run_cli("install").exit_code == 0
    assert run_cli("new", "Auth").exit_code == 0
    assert run_cli("task", "add", "M-001", "Login").exit_code == 0
    git(initialized, "add", "-A")
    git(initialized, "commit", "-q", "-m", "Plan")
    assert run_cli("start", "M-001", "--task", "task-001").exit_code == 0

    (initialized / "login.py").write_text("print('hi')\n")
    git(initialized, "add", "login.py")
    git(initialized, "commit", "-q", "-m", "Login form")
    assert git(initialized, "log", "-1", "--format=%(trailers)") == "Task: M-001/task-001\n\n"
    done = run_cli("task", "done", "M-001/task-001")
    assert done.exit_code == 0
    note = git(initialized, "notes", "--ref=refs/notes/milestones", "show", "HEAD")
    assert '"session_id":"session-' in note

    (initialized / "login.py").write_text("print('half done')\n")
    assert run_cli("pause", "-m", "Login half done", "--next", "Add tests").exit_code == 0
    git(initialized, "stash", "-q")
    git(initialized, "checkout", "-q", "-b", "other")
    back = subprocess.run(["git", "checkout", "main"], cwd=initialized, capture_output=True,
                          text=True, check=True)  # fmt: skip
    lines = [line for line in back.stderr.splitlines() if line.startswith("git-milestone:")]
    assert 1 <= len(lines) <= 3
    assert "paused here" in lines[0] and "M-001/task-001" in lines[0]
