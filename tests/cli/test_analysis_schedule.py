"""`critical-path` and `schedule` on real repositories."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.analysis.plans import build_cli_plan
from tests.cli.helpers import assert_user_error, ms_file, write_unchecked
from tests.conftest import Prebuilt

FROM = ("--from", "2026-11-02")


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    prebuilt("test_analysis_schedule.plan", lambda root: build_cli_plan(run_cli))
    return initialized


def test_critical_path_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("critical-path", *FROM)

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Critical path from 2026-11-02 (mon-fri, 8 h/day): all work done 2026-11-06"
        " (5 working days)",
        "",
        "  ITEM            START       FINISH      DAYS  FLOAT  TITLE",
        "  M-001/task-001  2026-11-02  2026-11-02  1     0      Schema",
        "  M-001/task-002  2026-11-03  2026-11-04  2     0      Login",
        "  M-001                       2026-11-04        0      Auth (milestone)",
        "  M-002/task-001  2026-11-05  2026-11-05  1     0      Adapter",
        "  M-002/task-002  2026-11-06  2026-11-06  1     0      Checkout",
        "  M-002                       2026-11-06        0      Payments (milestone)",
    ]


def test_critical_path_all_lists_every_float(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("critical-path", *FROM, "--all").output.splitlines()

    assert "  ITEM            ES  EF  LS  LF  TOTAL  FREE  TITLE" in lines
    assert "  M-003           0   1   4   5   4      4     Docs" in lines


def test_critical_path_json(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("critical-path", *FROM, "--json").output)

    assert [r["id"] for r in data["critical_path"]] == [
        "M-001/task-001",
        "M-001/task-002",
        "M-001",
        "M-002/task-001",
        "M-002/task-002",
        "M-002",
    ]
    assert data["finish"] == "2026-11-06" and data["duration_days"] == 5
    docs = next(r for r in data["items"] if r["id"] == "M-003")
    assert {k: docs[k] for k in ("es", "ef", "ls", "lf", "total_float", "free_float")} == {
        "es": 0,
        "ef": 1,
        "ls": 4,
        "lf": 5,
        "total_float": 4,
        "free_float": 4,
    }
    assert docs["latest_start"] == "2026-11-06" and not docs["critical"]


def test_negative_float_is_flagged(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("critical-path", "--from", "2026-11-09").output.splitlines()

    assert "  M-001/task-001 !  2026-11-09  2026-11-09  1     -3     Schema" in lines
    assert "Behind schedule: 6 open item(s) with negative float." in lines
    assert (
        "  M-001 is due 2026-11-06 but cannot finish before 2026-11-11: 3 working days late"
        in lines
    )


def test_calendar_and_buffer_come_from_the_files(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    cfg = plan / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("holidays: []", "holidays: [2026-11-03]"))
    run_cli("set", "M-001", "timeline.buffer_percentage=50")
    data = json.loads(run_cli("critical-path", *FROM, "--json").output)

    rows = {r["id"]: r for r in data["items"]}
    assert rows["M-001/task-002"]["duration_days"] == 3  # 16 h + 50%
    assert rows["M-001/task-002"]["start"] == "2026-11-04"  # task-001 on Mon, Tue is off
    assert data["calendar"]["holidays"] == ["2026-11-03"]


def test_progress_from_commits_shortens_the_path(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("task", "done", "M-001/task-001")
    data = json.loads(run_cli("critical-path", *FROM, "--json").output)

    assert data["critical_path"][0]["id"] == "M-001/task-002"
    assert data["duration_days"] == 4


def test_schedule_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("schedule", *FROM).output.splitlines()

    assert lines == [
        "Schedule from 2026-11-02 (mon-fri, 8 h/day): all work done 2026-11-06 (5 working days)",
        "",
        "ITEM        EARLIEST                  DUE                 TITLE",
        "M-003       2026-11-02 -> 2026-11-02  2026-12-01 on time  Docs",
        "M-001       2026-11-02 -> 2026-11-04  2026-11-06 on time  Auth",
        "  task-001  2026-11-02 -> 2026-11-02  critical            Schema",
        "  task-002  2026-11-03 -> 2026-11-04  critical            Login",
        "M-002       2026-11-05 -> 2026-11-06  2026-11-10 on time  Payments",
        "  task-001  2026-11-05 -> 2026-11-05  critical            Adapter",
        "  task-002  2026-11-06 -> 2026-11-06  critical            Checkout",
    ]


def test_schedule_json_has_slips(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("schedule", "--from", "2026-11-09", "--json").output)

    rows = {r["id"]: r for r in data["items"]}
    assert rows["M-001"]["slip_days"] == 3 and rows["M-002"]["slip_days"] == 3
    assert rows["M-003"]["slip_days"] == -16  # 17 working days to 1 Dec, 1 needed
    assert data["pert"] == {}


def test_schedule_what_if(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("schedule", *FROM, "--what-if", "M-001+3d").output.splitlines()

    assert lines == [
        "What if M-001+3d (from 2026-11-02, mon-fri, 8 h/day):",
        "  all work done 2026-11-06 -> 2026-11-11 (+3 working days)",
        "  MILESTONE  FINISH                    MOVES  DUE      TITLE",
        "  M-001      2026-11-04 -> 2026-11-09  +3d    late 1d  Auth",
        "  M-002      2026-11-06 -> 2026-11-11  +3d    late 1d  Payments",
        "  2 task(s) move as well (--json lists them).",
    ]


def test_what_if_within_float(plan: Path, run_cli: Callable[..., Result]) -> None:
    out = run_cli("schedule", *FROM, "--what-if", "M-003+2d").output

    assert "all work done 2026-11-06 -> 2026-11-06 (+0 working days)" in out
    assert "  M-003      2026-11-02 -> 2026-11-04  +2d    on time  Docs" in out


def test_what_if_json(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("schedule", *FROM, "--what-if", "M-002/task-001+8h", "--json").output)

    assert [r["id"] for r in data["moved"]] == ["M-002/task-001", "M-002/task-002", "M-002"]
    assert data["after"]["finish"] == "2026-11-09"


def test_pert_odds_in_the_schedule(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli(
        "set",
        "M-003",
        "timeline.estimated_hours=0",
        "timeline.optimistic_hours=4",
        "timeline.most_likely_hours=8",
        "timeline.pessimistic_hours=12",
        "timeline.estimated_end=2026-11-02",
    )
    data = json.loads(run_cli("schedule", *FROM, "--json").output)
    lines = run_cli("schedule", *FROM).output.splitlines()

    assert data["pert"]["M-003"]["probability_on_time"] == 0.5
    assert data["pert"]["M-003"]["sigma_days"] == 0.17
    assert "M-003       2026-11-02 -> 2026-11-02  2026-11-02 on time, P(on time) 50%  Docs" in lines


def test_cycle_is_an_error(
    plan: Path, run_cli: Callable[..., Result], snapshot: Callable[[Path], dict[str, bytes]]
) -> None:
    write_unchecked(plan, "M-001", "dependencies.requires=[M-002]")
    before = snapshot(plan)
    for command in ("critical-path", "schedule", "deps"):
        lines = assert_user_error(run_cli(command), "dependency cycle: M-001 -> M-002 -> M-001")
        assert lines[0].startswith("Error: .milestones/active/M-001.yaml: ")
    assert snapshot(plan) == before


def test_unknown_dependency_is_an_error(plan: Path, run_cli: Callable[..., Result]) -> None:
    path = ms_file(plan, "M-002")
    path.write_text(path.read_text().replace("- task-001", "- M-001/task-009"))

    assert_user_error(
        run_cli("schedule"),
        "field 'tasks.task-002.dependencies'",
        "unknown task 'M-001/task-009' (no such task in M-001)",
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [(("--what-if", "M-001"), "is not ITEM+AMOUNT"), (("--what-if", "M-7+1d"), "'M-7' is not")],
)
def test_bad_what_if(
    plan: Path, run_cli: Callable[..., Result], args: tuple[str, ...], expected: str
) -> None:
    assert_user_error(run_cli("schedule", *args), expected)


def test_help_has_examples(repo: Path, run_cli: Callable[..., Result]) -> None:
    for command in ("critical-path", "schedule"):
        out = run_cli(command, "--help").output
        assert "Examples:" in out and "--json" in out and "--from" in out


def test_an_empty_plan(initialized: Path, run_cli: Callable[..., Result]) -> None:
    assert run_cli("critical-path", *FROM).output.splitlines()[-1] == "No open work to schedule."
    assert run_cli("schedule", *FROM).output.splitlines()[-1] == "No milestones yet."
    assert json.loads(run_cli("schedule", "--json").output)["items"] == []
    assert run_cli("burndown").output == "No tasks in the project yet.\n"
