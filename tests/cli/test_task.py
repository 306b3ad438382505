from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt, tree_snapshot


@pytest.fixture
def two(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """M-001 with tasks task-001 and task-002, and M-002 with task-001."""

    def build(root: Path) -> None:
        run_cli("new", "Auth")
        run_cli("new", "Payments")
        run_cli("task", "add", "M-001", "Schema", "--hours", "4")
        run_cli("task", "add", "M-001", "Login", "--hours", "8")
        run_cli("task", "add", "M-002", "Adapter", "--hours", "12")

    prebuilt("test_task.two", build)
    return initialized


def _refs(output: str) -> list[str]:
    return re.findall(r"M-\d+/task-\d+", output)


def _tasks(repo: Path, mid: str = "M-001") -> list[dict[str, object]]:
    tasks = yaml.safe_load(ms_file(repo, mid).read_text())["tasks"]
    assert isinstance(tasks, list)
    return tasks


def test_task_add_with_hours_and_assignee(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth")

    result = run_cli(
        "task", "add", "M-001", "JWT implementation", "--hours", "8", "--assign", "alice"
    )

    assert result.output == "Added M-001/task-001: JWT implementation\n"
    assert _tasks(initialized) == [
        {
            "id": "task-001",
            "title": "JWT implementation",
            "estimated_hours": 8,
            "status": "pending",
            "assigned_to": "alice",
            "dependencies": [],
        }
    ]


def test_task_add_json(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Auth")

    result = run_cli("task", "add", "M-001", "Schema", "--json")

    assert json.loads(result.output) == {
        "milestone": "M-001",
        "id": "task-001",
        "ref": "M-001/task-001",
    }


def test_task_dependencies_in_and_across_milestones(
    two: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli(
        "task", "add", "M-001", "Checkout", "--depends", "task-002", "--depends", "M-002/task-001"
    )

    assert result.exit_code == 0, result.output
    assert _tasks(two)[2]["dependencies"] == ["task-002", "M-002/task-001"]
    assert run_cli("validate").exit_code == 0


def test_a_dependency_on_an_unknown_task_writes_nothing(
    two: Path, run_cli: Callable[..., Result]
) -> None:
    before = tree_snapshot(two)

    result = run_cli("task", "add", "M-001", "Checkout", "--depends", "M-002/task-009")

    lines = assert_user_error(result, "unknown task 'task-009' in M-002")
    assert "task list" in lines[-1]
    assert tree_snapshot(two) == before


def test_task_with_phases_gets_a_workflow(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth")

    run_cli("task", "add", "M-001", "OAuth", "--phases")

    workflow = _tasks(initialized)[0]["kiro_workflow"]
    assert workflow == {
        "enabled": True,
        "current_phase": "design",
        "phases": {
            "design": {"status": "pending", "approval_required": True},
            "spec": {"status": "pending", "approval_required": True},
            "task": {"status": "pending", "approval_required": False},
            "execute": {"status": "pending", "approval_required": False},
        },
    }


@pytest.mark.parametrize("ref", ["M-001/task-002", "task-002"])
def test_task_moves_through_its_states(two: Path, run_cli: Callable[..., Result], ref: str) -> None:
    assert run_cli("task", "start", ref).output == "M-001/task-002 is in progress\n"
    started = _tasks(two)[1]
    assert started["status"] == "in_progress" and started["started_at"]

    assert run_cli("task", "block", ref, "-r", "Waiting for keys").output == (
        "M-001/task-002 is blocked\n"
    )
    assert _tasks(two)[1]["blocked_reason"] == "Waiting for keys"
    assert (
        "[!] task-002  Login (8h, 0%) — blocked: Waiting for keys"
        in run_cli("show", "M-001").output
    )

    run_cli("task", "start", ref)
    assert not _tasks(two)[1]["blocked_reason"]
    assert _tasks(two)[1]["started_at"] == started["started_at"]

    assert run_cli("task", "done", ref).output == "M-001/task-002 is completed\n"
    done = _tasks(two)[1]
    assert done["status"] == "completed" and done["completed_at"]
    assert _tasks(two)[0]["status"] == "pending"


def test_tasks_by_unique_prefix(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    mid = json.loads(run_cli("new", "Auth", "--json").output)["id"]
    tid = json.loads(run_cli("task", "add", "M-001", "Schema", "--json").output)["id"]

    assert run_cli("task", "start", "M-001/task-001").output == f"{mid}/{tid} is in progress\n"
    assert run_cli("task", "done", "task-001").output == f"{mid}/{tid} is completed\n"


def test_repeating_a_move_changes_nothing(two: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("task", "start", "M-001/task-001")
    before = tree_snapshot(two)

    result = run_cli("task", "start", "M-001/task-001")

    assert result.output == "M-001/task-001 is in progress already; nothing changed\n"
    assert tree_snapshot(two) == before


def test_unknown_task_suggests_one(two: Path, run_cli: Callable[..., Result]) -> None:
    before = tree_snapshot(two)

    result = run_cli("task", "done", "M-001/task-003")

    lines = assert_user_error(result, "unknown task 'task-003' in M-001")
    assert "did you mean" in lines[-1] and "M-001/task-001" in lines[-1]
    assert tree_snapshot(two) == before


def test_a_task_id_in_two_milestones_is_refused(two: Path, run_cli: Callable[..., Result]) -> None:
    before = tree_snapshot(two)

    result = run_cli("task", "done", "task-001")

    lines = assert_user_error(result, "ambiguous", "M-001/task-001", "M-002/task-001")
    assert "name the milestone too" in lines[-1]
    assert tree_snapshot(two) == before


def test_block_needs_a_reason(two: Path, run_cli: Callable[..., Result]) -> None:
    before = tree_snapshot(two)

    result = run_cli("task", "block", "M-001/task-001")

    assert result.exit_code == 2
    assert "Missing option '-r' / '--reason'" in result.output
    assert tree_snapshot(two) == before


def test_task_list(two: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("task", "done", "M-001/task-001")
    run_cli("task", "block", "M-002/task-001", "-r", "keys")

    assert run_cli("task", "list").output.splitlines() == [
        "[x] M-001/task-001  100%  Schema",
        "[ ] M-001/task-002    0%  Login",
        "[!] M-002/task-001    0%  Adapter",
    ]
    assert run_cli("task", "list", "M-002").output.splitlines() == [
        "[!] M-002/task-001    0%  Adapter"
    ]
    filtered = run_cli("task", "list", "--status", "completed", "--status", "blocked")
    assert _refs(filtered.output) == ["M-001/task-001", "M-002/task-001"]
    assert run_cli("task", "list", "--status", "in_progress").output == "No tasks match.\n"


def test_task_list_json(two: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("task", "add", "M-001", "Checkout", "--assign", "bo", "--depends", "task-001")

    rows = json.loads(run_cli("task", "list", "M-001", "--status", "pending", "--json").output)

    assert [r["ref"] for r in rows] == ["M-001/task-001", "M-001/task-002", "M-001/task-003"]
    assert rows[2] == {
        "ref": "M-001/task-003",
        "milestone": "M-001",
        "id": "task-003",
        "title": "Checkout",
        "status": "pending",
        "estimated_hours": None,
        "assigned_to": "bo",
        "dependencies": ["task-001"],
        "progress": 0.0,
    }


def test_task_list_leaves_out_completed_milestones(
    two: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("complete", "M-002", "--force")

    assert _refs(run_cli("task", "list").output) == ["M-001/task-001", "M-001/task-002"]
    assert _refs(run_cli("task", "list", "M-002").output) == ["M-002/task-001"]
