from __future__ import annotations

import os
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error
from tests.conftest import git


@pytest.fixture
def demo(repo: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> tuple[Path, Result]:
    target = tmp_path / "demo"
    return target, run_cli("demo", "--dir", str(target))


def test_demo_builds_a_repository_and_prints_its_status(demo: tuple[Path, Result]) -> None:
    target, result = demo

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Demo repository: {target.resolve()}"
    assert "Project: " in lines[2] and "1 of 4 milestones completed" in lines[2]
    assert "ACTIVE MILESTONES" in lines
    assert any(line.startswith("  M-002  Payments API") for line in lines)
    assert "COMPLETED: M-001" in lines
    assert f"Explore it:  cd {target.resolve()}" in lines
    assert lines[-1].startswith("  git milestone lint")
    assert "RISK ALERTS" in lines


def test_demo_repository_has_history_and_a_valid_plan(
    demo: tuple[Path, Result], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = demo

    subjects = git(target, "log", "--format=%s").splitlines()
    assert len(subjects) >= 10
    assert subjects[-1] == "Start planning with git-milestone"
    assert "Completes: M-001/task-001" in git(target, "log", "--format=%B")
    # The checkout work was interrupted: a resume point, its file still uncommitted.
    assert git(target, "status", "--porcelain") == "?? src/\n"
    assert (target / ".milestones/completed/M-001.yaml").is_file()
    monkeypatch.chdir(target)
    assert run_cli("validate").exit_code == 0
    assert run_cli("lint").exit_code == 0
    assert "Payments API" in run_cli("show", "M-002").output
    resume = run_cli("resume", "--peek").output
    assert "Checkout endpoint: cart validation done" in resume
    assert "untracked  src/checkout.py" in resume


def test_demo_leaves_the_current_repository_alone(repo: Path, demo: tuple[Path, Result]) -> None:
    assert not (repo / ".milestones").exists()
    assert git(repo, "status", "--porcelain") == ""
    assert git(repo, "rev-list", "--all") == ""


def test_demo_refuses_a_folder_that_is_not_empty(
    repo: Path, tmp_path: Path, run_cli: Callable[..., Result]
) -> None:
    target = tmp_path / "busy"
    target.mkdir()
    (target / "notes.txt").write_text("mine\n")

    lines = assert_user_error(run_cli("demo", "--dir", str(target)), "exists and is not empty")

    assert "give --dir a new folder" in lines[-1]
    assert [p.name for p in target.iterdir()] == ["notes.txt"]
    assert (target / "notes.txt").read_text() == "mine\n"


def test_demo_without_dir_uses_a_new_temp_folder(
    repo: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))

    result = run_cli("demo")

    assert result.exit_code == 0, result.output
    (built,) = scratch.iterdir()
    assert built.name.startswith("git-milestone-demo-")
    assert f"Demo repository: {built.resolve()}" in result.output
    assert (built / ".milestones/active/M-002.yaml").is_file()


def _run_demo_as_a_new_user(tmp_path: Path, name: str) -> subprocess.CompletedProcess[str]:
    """`git milestone demo` with a fresh HOME and no git identity anywhere."""
    home = tmp_path / f"home-{name}"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_AUTHOR", "GIT_COMMITTER"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_NOSYSTEM="1")
    return subprocess.run(
        ["git", "milestone", "demo", "--dir", str(tmp_path / name)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
    )


def test_demo_works_for_a_new_user_and_gives_the_same_figures_each_run(
    repo: Path, tmp_path: Path
) -> None:
    first = _run_demo_as_a_new_user(tmp_path, "one")
    second = _run_demo_as_a_new_user(tmp_path, "two")

    assert (first.returncode, first.stderr) == (0, ""), first.stderr
    assert first.stdout.replace(str(tmp_path / "one"), "X") == second.stdout.replace(
        str(tmp_path / "two"), "X"
    )
    assert "Ann Demo" in git(tmp_path / "one", "log", "-1", "--format=%an")
    m002 = next(x for x in first.stdout.splitlines() if x.startswith("  M-002"))
    assert "· 4h spent" in m002  # 2 h logged on task-001, the 2 h session on task-002


def test_demo_log_shows_each_completion_once(
    demo: tuple[Path, Result], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = demo
    monkeypatch.chdir(target)

    lines = run_cli("log", "M-001").output.splitlines()

    completed = [x for x in lines if "task_completed" in x]
    assert len(completed) == 4
    assert all("Completes: M-001/task-00" in x for x in completed)
