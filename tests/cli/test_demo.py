from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gitmilestone.cli import cli
from tests.cli.helpers import assert_user_error
from tests.conftest import git, seal


@pytest.fixture
def demo_here(repo: Path, tmp_path: Path, run_cli: Callable[..., Result]) -> tuple[Path, Result]:
    """`git milestone demo` run from inside a repository of the user's."""
    target = tmp_path / "demo"
    return target, run_cli("demo", "--dir", str(target))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """One demo for the tests that only look at it: building one takes seconds."""
    base = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as mp:
        seal(mp, base / "home")
        mp.chdir(base)
        result = CliRunner().invoke(cli, ["demo", "--dir", str(base / "demo")])
    return base / "demo", result


@pytest.fixture
def demo(built: tuple[Path, Result], repo: Path) -> tuple[Path, Result]:
    return built


def test_demo_builds_a_repository_and_ends_with_its_dashboard(demo: tuple[Path, Result]) -> None:
    target, result = demo

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == f"Demo repository: {target.resolve()}"
    assert lines[2] == f"Explore it:  cd {target.resolve()}"
    assert any(line.startswith("  git milestone lint") for line in lines)
    dash = lines[lines.index("MILESTONE PROGRESS DASHBOARD") :]
    assert "(1 of 5 milestones completed, 6/16 tasks done)" in dash[3]
    assert any(line.startswith("├── M-002: Payments API") for line in dash)
    assert "RISK ALERTS:" in dash
    assert dash[-1].startswith("- ")  # the latest activity closes it


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
    release = json.loads(run_cli("show", "M-005", "--json").output)["file"]
    assert release["category"] == "infrastructure" and len(release["tasks"]) == 3  # a template
    load = json.loads(run_cli("schedule", "--by-person", "--json").output)
    assert [p["name"] for p in load["people"]] == ["alice", "bob"]
    assert [len(p["overbooked_weeks"]) for p in load["people"]] == [1, 0]
    resume = run_cli("resume", "--peek").output
    assert "Checkout endpoint: cart validation done" in resume
    assert "untracked  src/checkout.py" in resume


@pytest.mark.skipif(shutil.which("ssh-keygen") is None, reason="ssh-keygen is not installed")
def test_demo_approval_gate_is_signed_with_a_key_inside_its_git_folder(
    demo: tuple[Path, Result], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = demo
    monkeypatch.chdir(target)

    result = run_cli("verify", "--json")

    assert result.exit_code == 0, result.output
    (approval,) = json.loads(result.stdout)["approvals"]
    assert (approval["ref"], approval["phase"]) == ("M-002/task-002", "design")
    assert approval["verification"]["state"] == "verified"
    assert approval["signature_required"] is True
    key = git(target, "config", "user.signingkey").strip()
    assert Path(key).parent == target / ".git" / "milestones"
    allowed = (target / ".milestones/config/allowed-signers").read_text()
    assert "test@example.com ssh-ed25519 " in allowed
    assert "approved by test@example.com — signature verified" in run_cli("phase", "status").output


def test_demo_without_ssh_keygen_records_its_approval_unsigned_with_one_notice(
    repo: Path,
    tmp_path: Path,
    run_cli: Callable[..., Result],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bin_dir = tmp_path / "bin"  # git, and no ssh-keygen
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(shutil.which("git") or "git")
    monkeypatch.setenv("PATH", str(bin_dir))
    target = tmp_path / "demo"

    result = run_cli("demo", "--dir", str(target))

    assert result.exit_code == 0, result.output
    notices = [line for line in result.output.splitlines() if "ssh-keygen" in line]
    assert notices == [
        "warning: ssh-keygen is not installed: the demo's approval is recorded unsigned"
    ]
    monkeypatch.chdir(target)
    report = json.loads(run_cli("verify", "--json").stdout)
    assert report["ok"] is True
    assert report["approvals"][0]["verification"]["state"] == "unsigned"


def test_demo_leaves_the_current_repository_alone(
    repo: Path, demo_here: tuple[Path, Result]
) -> None:
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
    built: tuple[Path, Result], repo: Path, tmp_path: Path
) -> None:
    first_dir, first = built
    second = _run_demo_as_a_new_user(tmp_path, "two")

    assert (second.returncode, second.stderr) == (0, ""), second.stderr
    assert "@" in git(tmp_path / "two", "log", "-1", "--format=%ae")

    def figures(output: str, where: Path) -> str:
        """The output without what differs by design: the folder, and who is named as the
        author of the activity (the test's identity, or the demo's own for a new user)."""
        text = output.replace(str(where), "X").replace("test@example.com", "ME")
        text = text.replace("demo@git-milestone.invalid", "ME")
        return re.sub(r" \((Test User|git-milestone demo)\)$", "", text, flags=re.M)

    assert figures(first.output, first_dir) == figures(second.stdout, tmp_path / "two")
    status = subprocess.run(
        ["git", "milestone", "status"], cwd=tmp_path / "two", capture_output=True, text=True
    ).stdout
    m002 = next(x for x in status.splitlines() if x.startswith("  M-002"))
    assert "· 4h spent" in m002  # 2 h logged on task-001, the 2 h session on task-002


def test_demo_log_shows_each_completion_once(
    demo: tuple[Path, Result], run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    target, _ = demo
    monkeypatch.chdir(target)

    lines = run_cli("log", "M-001").output.splitlines()

    completed = [x for x in lines if "task_completed" in x]
    assert len(completed) == 4
    assert sorted(x.split()[3] for x in completed) == [f"M-001/task-00{i}" for i in range(1, 5)]


def test_a_demo_that_stops_half_way_says_what_it_left_behind(
    repo: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"  # no git on PATH: the demo cannot go on after creating the folder
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    target = tmp_path / "demo"

    result = run_cli("demo", "--dir", str(target))

    assert_user_error(result, "the demo stopped half-way", f"what it built so far is in {target}")
    assert f"rm -rf {target}" in result.output
    assert target.is_dir()
