"""The workspace reads each source once per command: no git command runs twice."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.workspace import Workspace


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, demo_repo: Path) -> Path:
    """A copy of the demo repository, for this module's reads."""
    target = tmp_path_factory.mktemp("ws") / "demo"
    shutil.copytree(demo_repo, target, symlinks=True)
    return target


def _git_commands(cwd: Path, *args: str) -> list[str]:
    """The git commands `git milestone ARGS` runs, as GIT_TRACE reports them."""
    trace = cwd.parent / "trace.txt"
    trace.unlink(missing_ok=True)
    env = {**os.environ, "GIT_TRACE": str(trace)}  # a file: the runner captures stderr
    proc = subprocess.run(
        ["git", "milestone", *args], cwd=cwd, capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0, proc.stderr
    # `trace: built-in: git …` is one line per git process (also git's own children).
    lines = trace.read_text(encoding="utf-8").splitlines()
    return [line.split("built-in: ", 1)[1] for line in lines if "built-in:" in line]


# A batch reader is fed different objects each time it runs (the notes, then the
# allowed-signers files of signed approvals): the same command line, not the same read.
BATCH = "git cat-file --batch"


@pytest.mark.parametrize("command", [("status",), ("status", "--json"), ("show", "M-002")])
def test_a_read_runs_each_git_command_at_most_once(
    demo_dir: Path, command: tuple[str, ...]
) -> None:
    for kept in ("notes.cache", "views.cache"):  # nothing kept: the notes must be read
        (demo_dir / ".git/milestones" / kept).unlink(missing_ok=True)
    cold = _git_commands(demo_dir, *command)
    warm = _git_commands(demo_dir, *command)
    for ran in (cold, warm):
        twice = {cmd: n for cmd, n in Counter(ran).items() if n > 1 and cmd != BATCH}
        assert not twice, f"git commands run more than once: {twice}"
    assert sum(" notes " in cmd for cmd in cold) == 1  # the notes are listed once
    assert not [cmd for cmd in warm if " notes " in cmd]  # and kept while no note is added


def test_the_event_log_is_read_once_and_kept(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    assert run_cli("new", "Kept", "--hours", "4").exit_code == 0
    ws = Workspace.open(initialized)
    first = ws.log
    assert ws.log is first
    assert ws.plan() is ws.plan()
    assert [e.event_type for e in first.every] == ["milestone_created"]


def test_problems_in_history_are_reported_once(initialized: Path) -> None:
    subprocess.run(
        [
            "git",
            "commit",
            "-q",
            "--no-verify",
            "--allow-empty",
            "-m",
            "x\n\nProgress: M-001/task-001 abc",
        ],
        cwd=initialized,
        check=True,
    )
    seen: list[str] = []
    ws = Workspace.open(initialized, report=seen.append)
    first = ws.log
    ws.plan()
    assert ws.log is first
    assert len(seen) == 1 and "Progress" in seen[0]
