from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt, tree_snapshot

LESSONS = ".milestones/completed/lessons-learned.md"


@pytest.fixture
def auth(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        run_cli("new", "Auth", "--end", "2026-12-18", "--hours", "40")
        for title in ("Schema", "Login", "Reset"):
            run_cli("task", "add", "M-001", title)
        run_cli("criteria", "add", "M-001", "Login works")
        run_cli("task", "done", "M-001/task-001")

    prebuilt("test_complete.auth", build)
    return initialized


def test_unfinished_tasks_block_completion(auth: Path, run_cli: Callable[..., Result]) -> None:
    before = tree_snapshot(auth)

    result = run_cli("complete", "M-001", "-m", "too early")

    lines = assert_user_error(result, "M-001 has 2 unfinished task(s): task-002, task-003")
    assert "--force" in lines[-1]
    assert tree_snapshot(auth) == before


def test_force_completes_and_records_lessons(auth: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("complete", "M-001", "--force", "-m", "Estimate OAuth work at 2x next time")

    assert result.output == (
        "Completed M-001: moved to .milestones/completed/M-001.yaml; "
        f"lessons appended to {LESSONS}\n"
    )
    assert not ms_file(auth, "M-001").exists()
    data = yaml.safe_load(ms_file(auth, "M-001", "completed").read_text())
    assert data["status"] == "completed"
    assert data["completed_at"]
    assert data["timeline"]["actual_end"] == dt.date.fromisoformat(data["completed_at"][:10])
    assert [t["status"] for t in data["tasks"]] == ["completed", "pending", "pending"]
    lessons = (auth / LESSONS).read_text()
    assert lessons.startswith("# Lessons learned\n")
    assert "## M-001: Auth (completed " in lessons
    assert "- Tasks completed: 1 of 3 (unfinished: task-002, task-003)" in lessons
    assert "- Estimated: 40 h; planned end 2026-12-18" in lessons
    assert "- Success criterion: Login works" in lessons
    assert lessons.endswith("Estimate OAuth work at 2x next time\n")


def test_complete_without_force_when_all_tasks_are_done(
    auth: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("task", "done", "M-001/task-002")
    run_cli("task", "done", "M-001/task-003")

    result = run_cli("complete", "M-001")

    assert result.exit_code == 0, result.output
    lessons = (auth / LESSONS).read_text()
    assert "- Tasks completed: 3 of 3\n" in lessons
    assert "_No lessons recorded._" in lessons


def test_lessons_accumulate(auth: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Payments")
    run_cli("complete", "M-001", "--force", "-m", "first lesson")

    run_cli("complete", "M-002", "-m", "second lesson")

    lessons = (auth / LESSONS).read_text()
    assert lessons.index("## M-001") < lessons.index("first lesson") < lessons.index("## M-002")
    assert lessons.index("## M-002") < lessons.index("second lesson")


def test_completing_twice_is_an_error(auth: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("complete", "M-001", "--force")
    before = tree_snapshot(auth)

    result = run_cli("complete", "M-001", "--force")

    lines = assert_user_error(result, "M-001 is already completed")
    assert "list --status completed" in lines[-1]
    assert tree_snapshot(auth) == before


def test_completed_milestones_stay_visible(auth: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Payments")
    run_cli("complete", "M-001", "--force")

    status = run_cli("status").output
    listed = json.loads(run_cli("list", "--status", "completed", "--json").output)
    shown = run_cli("show", "M-001").output

    assert "COMPLETED: M-001" in status
    assert "ACTIVE MILESTONES\n  M-002" in status
    assert [(r["id"], r["progress"], r["path"]) for r in listed] == [
        ("M-001", 100.0, ".milestones/completed/M-001.yaml")
    ]
    assert "status completed" in shown and ".milestones/completed/M-001.yaml" in shown
    assert run_cli("validate").exit_code == 0
