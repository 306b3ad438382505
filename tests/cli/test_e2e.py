"""A few runs of the installed `git milestone`, through git, as a user types them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.conftest import run_exe


def test_help_through_git_is_the_man_page(repo: Path) -> None:
    proc = run_exe(repo, "--help", env={**os.environ, "MANPAGER": "cat", "PAGER": "cat"})

    assert proc.returncode == 0, proc.stderr
    assert "GIT-MILESTONE(1)" in proc.stdout
    assert "fix-ids" in proc.stdout


def test_short_help(repo: Path) -> None:
    proc = run_exe(repo, "-h")

    assert proc.returncode == 0
    assert proc.stdout.startswith("Usage: git milestone [OPTIONS] COMMAND [ARGS]...")
    for name in ("init", "new", "set", "edit", "task", "status", "validate", "fix-ids"):
        assert f"\n  {name} " in proc.stdout


def test_command_help_shows_examples(repo: Path) -> None:
    proc = run_exe(repo, "new", "-h")

    assert proc.returncode == 0
    assert "Usage: git milestone new [OPTIONS] TITLE" in proc.stdout
    assert 'git milestone new "User authentication" --priority high' in proc.stdout


def test_version(repo: Path) -> None:
    proc = run_exe(repo, "--version")

    assert proc.returncode == 0
    assert proc.stdout.startswith("git-milestone, version ")


def test_init_new_status(repo: Path) -> None:
    assert run_exe(repo, "init").returncode == 0
    new = run_exe(
        repo, "new", "User authentication", "--hours", "10", "--end", "2030-01-31", "--json"
    )
    mid = json.loads(new.stdout)["id"]
    task = run_exe(repo, "task", "add", mid, "Login", "--hours", "4")
    run_exe(repo, "task", "add", mid, "Reset", "--hours", "4")
    done = run_exe(repo, "task", "done", f"{mid}/task-001")

    status = run_exe(repo, "status")

    assert (new.returncode, task.returncode, done.returncode, status.returncode) == (0, 0, 0, 0)
    assert task.stdout.startswith(f"Added {mid}/task-001-")
    assert status.stdout.splitlines()[0].startswith("Project: 50% complete")
    assert (
        f"  {mid}  User authentication  [██████████░░░░░░░░░░]  50%  1/2 tasks  due 2030-01-31"
        in status.stdout
    )
    assert run_exe(repo, "validate").stdout == "All milestone files are valid.\n"


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("none", ("status",), "Error: no .milestones/ in"),
        ("init", ("show", "M-404"), "Error: unknown milestone 'M-404'"),
        ("broken", ("status",), "Error: .milestones/active/M-001.yaml:3: not valid YAML"),
        ("broken", ("set", "M-001", "priority=high"), "Error: .milestones/active/M-001.yaml:3:"),
    ],
)
def test_errors_have_no_traceback(
    repo: Path, setup: str, args: tuple[str, ...], message: str
) -> None:
    if setup != "none":
        run_exe(repo, "init")
    if setup == "broken":
        (repo / ".milestones/active/M-001.yaml").write_text(
            "schema_version: 1\nid: M-001\ntitle: a: b\n"
        )

    proc = run_exe(repo, *args)

    assert proc.returncode == 1
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(message)
    assert proc.stderr.splitlines()[1].startswith("hint: ")


def test_outside_a_repository(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()

    proc = run_exe(plain, "status", env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path)})

    # git itself runs the plugin outside a repository; the plugin explains
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"Error: not inside a git repository: {plain}")


def test_usage_errors_exit_2(repo: Path) -> None:
    proc = run_exe(repo, "list", "--status", "finished")

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert "Invalid value for '--status'" in proc.stderr
