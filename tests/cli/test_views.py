from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error
from tests.conftest import Prebuilt

TODAY = dt.date(2026, 11, 20)  # the clock every command here reads (GIT_MILESTONE_DATE)
SOON = (TODAY + dt.timedelta(days=3)).isoformat()


@pytest.fixture(autouse=True)
def fixed_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", f"{TODAY}T09:00:00Z")


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """M-001 overdue and a quarter done, M-002 due soon and blocked, M-003 unplanned."""

    def build(root: Path) -> None:
        run_cli(
            "new", "Auth", "-p", "high", "-c", "security", "--end", "2020-01-10", "--hours", "40"
        )
        run_cli("new", "Payments", "-p", "critical", "--end", SOON, "--hours", "10")
        run_cli("new", "Docs", "-p", "low", "-c", "documentation")
        run_cli("task", "add", "M-001", "Schema", "--hours", "2")
        run_cli("task", "add", "M-001", "Login", "--hours", "6")
        run_cli("task", "add", "M-002", "Adapter", "--hours", "5")
        run_cli("task", "done", "M-001/task-001")
        run_cli("task", "block", "M-002/task-001", "-r", "No API keys")

    prebuilt("test_views.plan", build)
    return initialized


def test_status_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("status").output.splitlines()

    overdue = (TODAY - dt.date(2020, 1, 10)).days
    assert lines == [
        "Project: 20% complete · 0 of 3 milestones completed · 1/3 tasks done",
        "",
        "ACTIVE MILESTONES",
        "  M-001  Auth      [█████░░░░░░░░░░░░░░░]  25%  1/2 tasks  "
        f"due 2020-01-10 (overdue by {overdue}d)",
        f"  M-002  Payments  [░░░░░░░░░░░░░░░░░░░░]   0%  0/1 tasks, 1 blocked  due {SOON} (in 3d)",
        "  M-003  Docs      [░░░░░░░░░░░░░░░░░░░░]   0%  0/0 tasks  no due date",
    ]


def test_status_json(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("status", "--json").output)

    assert data["progress"] == pytest.approx(100 * 40 * 0.25 / 51, abs=0.01)
    by_id = {m["id"]: m for m in data["milestones"]}
    assert by_id["M-001"]["progress"] == 25.0
    assert by_id["M-001"]["status"] == "in_progress"
    assert by_id["M-001"]["tasks"] == {
        "total": 2,
        "pending": 1,
        "in_progress": 0,
        "blocked": 0,
        "completed": 1,
    }
    assert by_id["M-002"]["status"] == "blocked"
    assert by_id["M-003"]["status"] == "planned"


def test_status_of_an_empty_plan(initialized: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("status")

    assert result.output == 'No milestones yet. Create one with: git milestone new "Title"\n'


def test_status_bar_width_comes_from_the_config(plan: Path, run_cli: Callable[..., Result]) -> None:
    cfg = plan / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("bar_width: 20", "bar_width: 8"))

    assert "  M-001  Auth      [██░░░░░░]  25%" in run_cli("status").output


def test_phases_weigh_task_progress(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Auth", "--hours", "8")
    run_cli("new", "Later", "--hours", "24")
    run_cli("task", "add", "M-001", "Schema", "--hours", "2")
    run_cli("task", "add", "M-001", "OAuth", "--hours", "4", "--phases")
    run_cli("task", "add", "M-001", "Docs", "--hours", "2")
    run_cli("task", "done", "M-001/task-001")
    phases = "tasks.task-002.kiro_workflow.phases"

    result = run_cli(
        "set", "M-001", f"{phases}.design.status=completed", f"{phases}.spec.status=approved"
    )

    assert result.exit_code == 0, result.output
    # task-002: design 15 + spec 25 of 100 -> 40%; milestone (2*100 + 4*40 + 2*0) / 8 = 45%
    tasks = json.loads(run_cli("task", "list", "M-001", "--json").output)
    assert [t["progress"] for t in tasks] == [100.0, 40.0, 0.0]
    status = json.loads(run_cli("status", "--json").output)
    assert status["milestones"][0]["progress"] == 45.0
    assert status["progress"] == pytest.approx(45 * 8 / 32)
    assert "M-001  Auth   [█████████░░░░░░░░░░░]  45%" in run_cli("status").output
    assert "[ ] task-002  OAuth (4h, 40%)" in run_cli("show", "M-001").output


def test_a_milestone_may_override_phase_weights(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth")
    run_cli("task", "add", "M-001", "OAuth", "--phases")
    run_cli(
        "set",
        "M-001",
        "kiro_configuration.phase_weights={design: 50, spec: 30, task: 10, execute: 10}",
        "tasks[0].kiro_workflow.phases.design.status=completed",
    )

    rows = json.loads(run_cli("task", "list", "--json").output)

    assert rows[0]["progress"] == 50.0


def test_phases_off_in_the_config(initialized: Path, run_cli: Callable[..., Result]) -> None:
    cfg = initialized / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("  enabled: true", "  enabled: false"))
    run_cli("new", "Auth")
    run_cli("task", "add", "M-001", "OAuth", "--phases")
    run_cli("set", "M-001", "tasks[0].kiro_workflow.phases.design.status=completed")

    rows = json.loads(run_cli("task", "list", "--json").output)

    assert rows[0]["progress"] == 0.0


def test_list_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("list").output.splitlines()

    assert lines[0].split() == ["ID", "STATUS", "PRIORITY", "CATEGORY", "PROGRESS", "DUE", "TITLE"]
    assert lines[1].split() == [
        "M-001",
        "in_progress",
        "high",
        "security",
        "25%",
        "2020-01-10",
        "Auth",
    ]
    assert lines[2].split() == ["M-002", "blocked", "critical", "feature", "0%", SOON, "Payments"]
    assert lines[3].split() == ["M-003", "planned", "low", "documentation", "0%", "-", "Docs"]


@pytest.mark.parametrize(
    ("args", "ids"),
    [
        (("--status", "blocked"), ["M-002"]),
        (("--status", "planned", "--status", "in_progress"), ["M-001", "M-003"]),
        (("--priority", "critical"), ["M-002"]),
        (("--priority", "high", "--priority", "low"), ["M-001", "M-003"]),
        (("--category", "documentation"), ["M-003"]),
        (("--category", "feature", "--priority", "low"), []),
    ],
)
def test_list_filters(
    plan: Path, run_cli: Callable[..., Result], args: tuple[str, ...], ids: list[str]
) -> None:
    rows = json.loads(run_cli("list", *args, "--json").output)
    text = run_cli("list", *args).output

    assert [r["id"] for r in rows] == ids
    if ids:
        assert [line.split()[0] for line in text.splitlines()[1:]] == ids
    else:
        assert text == "No milestones match.\n"


def test_list_rejects_an_unknown_status(plan: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("list", "--status", "done")

    assert result.exit_code == 2
    assert "'done' is not one of" in result.output


def test_show_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("criteria", "add", "M-002", "Refunds work")
    run_cli("set", "M-002", "dependencies.requires=[M-001]", "timeline.estimated_start=2026-11-16")

    lines = run_cli("show", "M-002").output.splitlines()

    assert lines[:3] == [
        "M-002: Payments",
        "  status blocked · priority critical · category feature · .milestones/active/M-002.yaml",
        "  progress [░░░░░░░░░░░░░░░░░░░░] 0%",
    ]
    assert f"  2026-11-16 → {SOON} · 10 h estimated + 20% buffer" in lines
    assert "  - Refunds work" in lines
    assert "  requires: M-001" in lines
    assert "  [!] task-001  Adapter (5h, 0%) — blocked: No API keys" in lines
    assert lines[lines.index("Risks") + 1] == "  (none)"


def test_show_json(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("show", "M-001", "--json").output)

    assert data["computed"]["progress"] == 25.0
    assert data["computed"]["path"] == ".milestones/active/M-001.yaml"
    assert data["file"]["timeline"]["estimated_end"] == "2020-01-10"
    assert [t["id"] for t in data["file"]["tasks"]] == ["task-001", "task-002"]


def test_show_by_prefix(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    mid = json.loads(run_cli("new", "Auth", "--json").output)["id"]

    assert run_cli("show", "M-001").output.startswith(f"{mid}: Auth\n")


def test_an_ambiguous_prefix_asks_for_more(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    run_cli("new", "Auth")
    run_cli("new", "Payments")

    lines = assert_user_error(run_cli("show", "M"), "unknown milestone 'M'")

    assert "matches several" in lines[-1] and "write more of the ID" in lines[-1]


def test_tasks_without_an_estimate_weigh_one_hour(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth")
    run_cli("task", "add", "M-001", "Big", "--hours", "3")
    for title in ("One", "Two", "Three", "Four"):
        run_cli("task", "add", "M-001", title)
    run_cli("task", "done", "M-001/task-005")

    # 3 + 4 * 1 hours of work, 1 of them done
    assert json.loads(run_cli("status", "--json").output)["milestones"][0]["progress"] == 14.29
