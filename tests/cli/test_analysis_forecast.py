"""`forecast` and `burndown` from the history in git: Completes: trailers and note events."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from gitmilestone.analysis.calendar import WorkCalendar
from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt

MONDAY = dt.date(2026, 11, 2)


def commit_on(root: Path, day: dt.date, message: str) -> None:
    """A commit dated `day`, hooks skipped (the trailers are all the history needs)."""
    stamp = f"{day.isoformat()}T12:00:00Z"
    env = {**os.environ, "GIT_AUTHOR_DATE": stamp, "GIT_COMMITTER_DATE": stamp}
    env["GIT_MILESTONE_SKIP_HOOKS"] = "1"
    git = ["git", "commit", "-q", "--allow-empty", "-m", message]
    subprocess.run(git, cwd=root, check=True, env=env)


def write_plan(root: Path, tasks: int, end: str = "2026-11-20") -> None:
    data = {
        "schema_version": 1,
        "id": "M-001",
        "title": "Catalogue",
        "created_at": "2026-11-02T08:00:00Z",
        "timeline": {"estimated_end": end, "estimated_hours": 0, "buffer_percentage": 0},
        "tasks": [
            {"id": f"task-{i:03d}", "title": f"Item {i}", "estimated_hours": 4, "status": "pending"}
            for i in range(1, tasks + 1)
        ],
    }
    ms_file(root, "M-001").write_text(yaml.safe_dump(data, sort_keys=False))


@pytest.fixture
def history(initialized: Path, prebuilt: Prebuilt) -> Path:
    """30 tasks; two completed by commits on each of the 10 working days from 2 Nov."""

    def build(root: Path) -> None:
        write_plan(root, 30)
        cal = WorkCalendar(MONDAY)
        for d in range(10):
            done = [f"Completes: M-001/task-{2 * d + k:03d}" for k in (1, 2)]
            commit_on(root, cal.day(d), "Work\n\n" + "\n".join(done) + "\n")

    prebuilt("test_analysis_forecast.history", build)
    return initialized


def test_forecast_with_constant_throughput(history: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("forecast", "--from", "2026-11-16", "--seed", "3")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Forecast for the project from 2026-11-16: 10 open task(s)",
        "  P50  2026-11-20  (5 working days)",
        "  P85  2026-11-20  (5 working days)",
        "  P95  2026-11-20  (5 working days)",
        "  Chance of finishing by 2026-11-20 (estimated_end): 100%",
        "Based on 20 task completions over 10 working days (2 a day); 10000 trials, seed 3.",
    ]


def test_forecast_json_is_reproducible(history: Path, run_cli: Callable[..., Result]) -> None:
    commit_on(history, dt.date(2026, 11, 13), "More\n\nCompletes: M-001/task-021\n")
    args = ("forecast", "M-001", "--from", "2026-11-16", "--seed", "11", "--json")
    first, second = (json.loads(run_cli(*args).output) for _ in range(2))

    assert first == second
    assert first["scope"] == "M-001" and first["trials"] == 10_000
    assert first["data_points"] == 21 and first["remaining_tasks"] == 9
    assert first["p50_working_days"] <= first["p85_working_days"] <= first["p95_working_days"]


def test_forecast_without_a_seed_shows_the_one_it_used(
    history: Path, run_cli: Callable[..., Result]
) -> None:
    data = json.loads(
        run_cli("forecast", "--from", "2026-11-16", "--json", "--trials", "500").output
    )
    again = json.loads(
        run_cli(
            "forecast",
            "--from",
            "2026-11-16",
            "--json",
            "--trials",
            "500",
            "--seed",
            str(data["seed"]),
        ).output
    )

    assert again == data


def test_forecast_with_too_little_history(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    write_plan(initialized, 5)
    commit_on(initialized, MONDAY, "Start\n\nCompletes: M-001/task-001\n")
    result = run_cli("forecast", "--from", "2026-11-16")

    assert result.exit_code == 0
    assert result.output.startswith("Too little history to forecast: the project's record has 1")
    data = json.loads(run_cli("forecast", "--json").output)
    assert data["enough_history"] is False and "at least 5 completions" in data["message"]


def test_burndown_json(history: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("burndown", "--until", "2026-11-13", "--json").output)
    days = {p["date"]: p for p in data["days"]}

    assert data["days"][0]["date"] == "2026-11-02"  # the milestone's created_at
    assert days["2026-11-02"]["scope_hours"] == 120
    assert days["2026-11-02"]["completed_hours"] == 8
    assert days["2026-11-08"]["completed_hours"] == 40  # a Sunday: nothing new
    assert days["2026-11-13"]["remaining_hours"] == 40
    assert all(p["scope_change"] == 0 for p in data["days"])


def test_burndown_shows_scope_added_today(
    history: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-20T09:00:00Z")
    run_cli("task", "add", "M-001", "Late addition", "--hours", "20")
    data = json.loads(run_cli("burndown", "M-001", "--json").output)
    today = data["days"][-1]

    assert today["date"] == "2026-11-20"
    assert today["scope_hours"] == 140 and today["scope_change"] == 20
    chart = run_cli("burndown", "M-001").output.splitlines()
    assert chart[-1].endswith("140 (+20)")


def test_burndown_chart(history: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli(
        "burndown", "--since", "2026-11-12", "--until", "2026-11-13", "--width", "12"
    ).output.splitlines()

    assert lines == [
        "Burndown of the project, 2026-11-12 .. 2026-11-13 (hours; # done, . left)",
        "DATE        CHART         DONE  LEFT  SCOPE",
        "2026-11-12  #######.....  72    48    120",
        "2026-11-13  ########....  80    40    120",
    ]


def test_unknown_milestone(history: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("forecast", "M-404"), "unknown milestone 'M-404'")
    assert_user_error(run_cli("burndown", "M-404"), "unknown milestone 'M-404'")


def test_help(repo: Path, run_cli: Callable[..., Result]) -> None:
    for command in ("forecast", "burndown"):
        out = run_cli(command, "--help").output
        assert "Examples:" in out and "--json" in out


def test_burndown_refuses_a_range_that_ends_before_it_starts(
    history: Path, run_cli: Callable[..., Result]
) -> None:
    from tests.cli.helpers import assert_user_error

    result = run_cli("burndown", "--since", "2026-12-01", "--until", "2026-11-20")

    lines = assert_user_error(result, "--since 2026-12-01 is after the last day shown, 2026-11-20")
    assert "on or before --until" in lines[-1]
