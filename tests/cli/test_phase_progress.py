"""A milestone's phase progress (current phase, share per phase, history) in show and status."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import git


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def test_phase_progress_in_show_and_status(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Login", "--phases"))
    ok(run_cli("task", "add", "M-001", "Logout", "--phases"))
    ok(run_cli("task", "add", "M-001", "Docs"))
    git(initialized, "add", "-A")
    git(initialized, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plan")
    before = json.loads(ok(run_cli("show", "M-001", "--json")))["computed"]["phases"]
    assert before == {
        "current_phase": "design",
        "phase_progress": {"design": 0.0, "spec": 0.0, "task": 0.0, "execute": 0.0},
        "phase_history": [],
    }
    for step in ("start", "complete", "approve"):
        ok(run_cli("phase", step, "M-001/task-001", "design"))
    ok(run_cli("phase", "start", "M-001/task-002", "design"))

    shown = json.loads(ok(run_cli("show", "M-001", "--json")))["computed"]["phases"]
    assert shown["current_phase"] == "design"
    assert shown["phase_progress"]["design"] == 50.0
    (design,) = shown["phase_history"]
    assert design["phase"] == "design" and design["started_at"]
    assert design["completed_at"] is None  # one task is still designing
    assert (design["tasks_started"], design["tasks_completed"]) == (2, 1)
    status = json.loads(ok(run_cli("status", "--json")))["milestones"][0]["phases"]
    assert status == shown
    text = ok(run_cli("show", "M-001"))
    assert "design 50% · spec 0% · task 0% · execute 0% (current: design)" in text

    ok(run_cli("phase", "complete", "M-001/task-002", "design"))
    after = json.loads(ok(run_cli("show", "M-001", "--json")))["computed"]["phases"]
    assert after["current_phase"] == "spec"
    assert after["phase_history"][0]["completed_at"] is not None


def test_a_milestone_without_phased_tasks_shows_no_phases(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    ok(run_cli("new", "Auth"))
    ok(run_cli("task", "add", "M-001", "Docs"))
    shown = json.loads(ok(run_cli("show", "M-001", "--json")))["computed"]["phases"]
    assert shown == {"current_phase": None, "phase_progress": {}, "phase_history": []}
    assert "Phases" not in ok(run_cli("show", "M-001"))
