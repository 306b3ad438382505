"""The capacity-aware schedule: people's hours and days off, levelling, load per person."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error
from tests.conftest import Prebuilt

CONFIG = ".milestones/config/milestone-config.yaml"
FROM = ("--from", "2026-11-02")  # a Monday
TEAM = """\
  team_members:
    - {name: alice, hours_per_week: 40, days_off: [2026-11-04]}
    - {name: bob, hours_per_week: 20}
"""


def set_team(repo: Path, team: str = TEAM) -> None:
    cfg = repo / CONFIG
    cfg.write_text(cfg.read_text().replace("  team_members: []\n", team))


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """alice has 24 h + 16 h in the first week but only 32 h (a day off); bob works half days."""

    def build(root: Path) -> None:
        set_team(root)
        run_cli("new", "Auth", "--end", "2026-11-13", "--buffer", "0")
        run_cli("new", "Pay", "--end", "2026-11-04", "--buffer", "0")
        run_cli("task", "add", "M-001", "Login", "--hours", "24", "--assign", "alice")
        run_cli("task", "add", "M-001", "Signup", "--hours", "16", "--assign", "bob")
        run_cli("task", "add", "M-002", "Checkout", "--hours", "16", "--assign", "alice")

    prebuilt("test_capacity.plan", build)
    return initialized


def schedule(run_cli: Callable[..., Result], *args: str) -> dict[str, Any]:
    result = run_cli("schedule", *FROM, "--json", *args)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def spans(data: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {r["id"]: (r["start"], r["finish"]) for r in data["items"] if r["kind"] == "task"}


def test_one_persons_tasks_do_not_overlap(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = schedule(run_cli)

    assert spans(data) == {
        "M-001/task-001": ("2026-11-02", "2026-11-05"),  # Mon, Tue, (Wed off), Thu
        "M-001/task-002": ("2026-11-02", "2026-11-05"),  # bob: 4 h a day
        "M-002/task-001": ("2026-11-06", "2026-11-09"),  # after Login: alice is busy
    }
    assert data["levelled"] is True and data["team"] == ["alice", "bob"]
    assert (data["finish"], data["unlevelled_finish"]) == ("2026-11-09", "2026-11-04")
    assert data["levelling_delay_days"] == 3
    assert data["overbooked"] == [{"name": "alice", "weeks": ["2026-11-02"]}]
    pay = next(r for r in data["items"] if r["id"] == "M-002")
    assert pay["slip_days"] == 3 and pay["behind"]


def test_text_says_what_levelling_moved(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("schedule", *FROM).output.splitlines()

    assert lines[:3] == [
        "Schedule from 2026-11-02 (mon-fri, 8 h/day): all work done 2026-11-09 (6 working days)",
        "Levelled for 2 people (alice, bob): 3 working days later than 2026-11-04 without"
        " levelling",
        "Overbooked: alice (weeks of 2026-11-02)",
    ]
    assert any(line.startswith("M-002 ") and "2026-11-04 late 3d" in line for line in lines)


def test_no_level_shows_dependencies_alone(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = schedule(run_cli, "--no-level")

    assert data["levelled"] is False and data["finish"] == "2026-11-04"
    assert spans(data)["M-002/task-001"] == ("2026-11-02", "2026-11-03")


def test_load_per_person_and_week(plan: Path, run_cli: Callable[..., Result]) -> None:
    data = schedule(run_cli, "--by-person")
    alice, bob = data["people"]

    assert [(w["week"], w["capacity_hours"], w["planned_hours"], w["booked_hours"], w["overbooked"])
            for w in alice["weeks"]] == [
        ("2026-11-02", 32, 40, 32, True),
        ("2026-11-09", 40, 0, 8, False),
    ]  # fmt: skip
    assert alice["days_off"] == ["2026-11-04"] and alice["overbooked_weeks"] == ["2026-11-02"]
    assert [(w["capacity_hours"], w["planned_hours"], w["overbooked"]) for w in bob["weeks"]] == [
        (20, 16, False)
    ]
    text = run_cli("schedule", *FROM, "--by-person").output.splitlines()
    assert "alice (40 h/week; days off 2026-11-04); OVERBOOKED in 1 week(s)" in text
    assert "  2026-11-02  32   40 !       32" in text
    assert "bob (20 h/week)" in text


def test_more_hours_remove_the_overbooking(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    set_team(initialized, "  team_members: [{name: alice, hours_per_week: 40}]\n")
    run_cli("new", "Auth", "--buffer", "0")
    run_cli("task", "add", "M-001", "Login", "--hours", "16", "--assign", "alice")
    run_cli("task", "add", "M-001", "Docs", "--hours", "16")

    data = schedule(run_cli)
    assert data["overbooked"] == [] and data["levelling_delay_days"] == 0
    assert data["finish"] == data["unlevelled_finish"] == "2026-11-03"


def test_someone_without_hours_is_a_clear_error(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    set_team(initialized, "  team_members: [{name: carol, hours_per_week: 0}]\n")
    run_cli("new", "Auth")
    run_cli("task", "add", "M-001", "Login", "--hours", "8", "--assign", "carol")

    assert_user_error(run_cli("schedule", *FROM), "carol has no working hours")
    cfg = initialized / CONFIG
    cfg.write_text(cfg.read_text().replace("hours_per_week: 0", "hours_per_week: many"))
    assert_user_error(run_cli("schedule", *FROM), "milestone-config.yaml")


def test_analyze_uses_the_teams_hours(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-02T09:00:00Z")
    run_cli("set", "M-002", "timeline.estimated_start=2026-11-02", "timeline.estimated_hours=16")
    text = run_cli("analyze", "M-002").output

    assert "- 3 working days; alice 16 h = 16 h: fits (0 h spare)" in text
    assert "- schedule with each person's hours: done 2026-11-09, 3 working days after its end" in (
        text
    )
    assert "short for one person" not in text
    data = json.loads(run_cli("analyze", "M-001", "--json").output)
    auth = data["sections"]["timeline"]["entries"][0]
    assert auth["projected_finish"] == "2026-11-05"
