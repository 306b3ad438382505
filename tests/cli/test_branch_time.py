"""Time, like progress, reads the facts of HEAD's history only: rewritten commits count once,
unmerged branches not at all, and each task's effective state is in the JSON views."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import Prebuilt, git


@pytest.fixture
def planned(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        assert run_cli("new", "Auth", "--hours", "8").exit_code == 0
        for title in ("Login", "Reset"):
            assert run_cli("task", "add", "M-001", title, "--hours", "4").exit_code == 0
        git(root, "add", "-A")
        git(root, "commit", "-qm", "Plan")

    prebuilt("test_branch_time.planned", build)
    return initialized


def work(repo: Path, message: str, *extra: str) -> None:
    (repo / "work.txt").write_text(message)
    git(repo, "add", "work.txt")
    git(repo, "commit", "-q", *extra, "-m", message)


def status_json(run_cli: Callable[..., Result]) -> dict[str, object]:
    result = run_cli("status", "--json")
    assert result.exit_code == 0, result.output
    milestone: dict[str, object] = json.loads(result.output)["milestones"][0]
    return milestone


def hours(run_cli: Callable[..., Result]) -> object:
    time = status_json(run_cli)["time"]
    assert isinstance(time, dict)
    return time["actual_hours"]


def test_an_amended_time_spent_counts_once(planned: Path, run_cli: Callable[..., Result]) -> None:
    work(planned, "Login\n\nTask: M-001/task-001\nTime-Spent: 1h")
    work(planned, "Login\n\nTask: M-001/task-001\nTime-Spent: 2h", "--amend")

    assert hours(run_cli) == 2.0


def test_time_on_an_unmerged_branch_does_not_show_on_main(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    git(planned, "switch", "-q", "-c", "feature")
    work(planned, "Login\n\nTask: M-001/task-001\nTime-Spent: 3h")
    assert hours(run_cli) == 3.0

    git(planned, "switch", "-q", "main")
    assert hours(run_cli) == 0.0

    git(planned, "merge", "-q", "--no-ff", "-m", "Merge feature", "feature")
    assert hours(run_cli) == 3.0


def test_json_lists_each_tasks_effective_state_and_its_source(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    work(planned, "Login\n\nCompletes: M-001/task-001\nTime-Spent: 1h30m")

    listed = status_json(run_cli)["task_list"]
    shown = json.loads(run_cli("show", "M-001", "--json").output)

    assert listed == shown["computed"]["task_list"]
    assert [(t["id"], t["status"], t["progress"], t["source"]) for t in listed] == [
        ("task-001", "completed", 100.0, "trailer"),
        ("task-002", "pending", 0.0, "file"),
    ]
    assert listed[0]["time_spent"] == 1.5
    assert shown["file"]["tasks"][0]["status"] == "pending"  # the raw file, untouched


def test_complete_counts_tasks_finished_by_trailers(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    work(planned, "Login\n\nCompletes: M-001/task-001")
    work(planned, "Reset\n\nCompletes: M-001/task-002")

    result = run_cli("complete", "M-001", "-m", "Done")

    assert result.exit_code == 0, result.output
    assert result.output.startswith("Completed M-001: moved to .milestones/completed/M-001.yaml")


def test_lint_and_phase_judge_the_state_status_shows(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    work(planned, "Login\n\nCompletes: M-001/task-001")

    lint = json.loads(run_cli("lint", "M-001", "--format", "json").output)
    ready = run_cli("deps", "--ready").output

    assert "task-001" not in ready  # done by the trailer: not waiting to be started
    assert lint["checked"] == ["M-001"]


# -- a clone without the hooks ---------------------------------------------------------------

HINT = "hint: this clone has no git-milestone hooks"


def test_a_clone_without_hooks_is_told_once(
    planned: Path, tmp_path: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(planned), str(clone))
    monkeypatch.chdir(clone)

    told = run_cli("status")
    git(clone, "config", "milestone.suggestInstall", "false")
    silenced = run_cli("status")

    assert told.exit_code == 0
    assert told.output.count(HINT) == 1
    assert HINT not in silenced.output
    monkeypatch.chdir(planned)
    assert HINT not in run_cli("status").output  # hooks installed by init


def test_the_plan_config_can_silence_the_hint(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    assert run_cli("uninstall").exit_code == 0
    assert HINT in run_cli("status").output
    cfg = planned / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text() + "hooks:\n  suggest_install: false\n")

    assert HINT not in run_cli("status").output
