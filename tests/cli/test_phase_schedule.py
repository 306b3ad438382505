"""A phased task's timeline.phase_timing splits it into consecutive activities on the
critical path: design, spec and task phases, then the task itself for its execute phase."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.cli.helpers import ms_file

FROM = ("--from", "2026-11-02")


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def plan(repo: Path, run_cli: Callable[..., Result], timing: str) -> None:
    ok(run_cli("new", "Auth", "--buffer", "0"))
    ok(run_cli("task", "add", "M-001", "Login", "--hours", "32", "--phases"))
    ok(run_cli("task", "add", "M-001", "Docs", "--hours", "8", "--depends", "task-001"))
    ok(run_cli("set", "M-001", f"tasks.task-001.timeline.phase_timing={timing}"))


def test_phase_hours_make_consecutive_activities(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(initialized, run_cli, "{design_hours: 8, spec_hours: 8, task_hours: 0, execute_hours: 16}")
    lines = ok(run_cli("critical-path", *FROM)).splitlines()
    rows = [line.split()[:4] for line in lines if line.startswith("  M-001")]
    assert rows == [
        ["M-001/task-001:design", "2026-11-02", "2026-11-02", "1"],
        ["M-001/task-001:spec", "2026-11-03", "2026-11-03", "1"],
        ["M-001/task-001:task", "2026-11-03", "2026-11-03", "0"],
        ["M-001/task-001", "2026-11-04", "2026-11-05", "2"],
        ["M-001/task-002", "2026-11-06", "2026-11-06", "1"],
        ["M-001", "2026-11-06", "0", "Auth"],
    ]
    assert any(line.endswith("Login (design phase)") for line in lines)
    data = json.loads(ok(run_cli("schedule", *FROM, "--json")))
    (auth,) = [i for i in data["items"] if i["id"] == "M-001"]
    assert auth["start"] == "2026-11-02"  # with the design phase of its first task


def test_shares_split_the_estimate_and_finished_phases_take_no_time(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    plan(initialized, run_cli, "{design: 1, spec: 1, task: 0, execute: 2}")
    for step in ("start", "complete", "approve"):
        ok(run_cli("phase", step, "M-001/task-001", "design"))
    data = json.loads(ok(run_cli("critical-path", *FROM, "--json")))
    days = {i["id"]: i["duration_days"] for i in data["items"]}
    assert days["M-001/task-001:design"] == 0
    assert days["M-001/task-001:spec"] == 1
    assert days["M-001/task-001"] == 2
    path = ms_file(initialized, "M-001")
    assert "phase_timing" in path.read_text()
