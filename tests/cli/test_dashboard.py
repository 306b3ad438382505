"""`git milestone dashboard` (text and JSON), the display levels of `status`, and `log` lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from gitmilestone.commands import plan as plans
from gitmilestone.commands.uilevel import auto_level, wants_color
from gitmilestone.git.repo import discover
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import MILESTONE_HEADER
from gitmilestone.storage.yamledit import dump_new

SECTIONS = [
    "MILESTONE PROGRESS DASHBOARD",
    "ACTIVE MILESTONES:",
    "CRITICAL PATH STATUS:",
    "RISK ALERTS:",
    "RECENT ACTIVITY:",
]


def write_plan(root: Path, count: int, tasks: int = 2) -> None:
    """`count` milestones written straight to disk, each due a day after the one before."""
    store = Store(discover(root))
    for n in range(1, count + 1):
        mid = f"M-{n:03d}"
        spec = plans.NewMilestone(title=f"Milestone {n}", end=f"2027-01-{1 + n % 28:02d}", hours=8)
        defaults = {"priority": "medium", "category": "feature", "estimated_hours": 0}
        data = plans.milestone_template(mid, spec, defaults | {"buffer_percentage": 0}, ())
        data["tasks"] = [
            {
                "id": f"task-{t:03d}",
                "title": f"Task {t}",
                "estimated_hours": 4,
                "status": "in_progress" if t == 1 else "pending",
            }
            for t in range(1, tasks + 1)
        ]
        path = store.paths.milestones / "active" / f"{mid}.yaml"
        store.write_new(path, dump_new(data, MILESTONE_HEADER.format(id=mid)))


def test_dashboard_shows_every_section_of_the_demo(
    demo: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("dashboard")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for title in SECTIONS:
        assert title in lines
    assert lines[3] == (
        "Overall Project: 35% Complete (1 of 5 milestones completed, 6/16 tasks done)"
    )
    assert lines[4].startswith('Current Focus: M-002 "Payments API" (29% complete')
    assert any(x.startswith("├── M-002: Payments API") and "29% (Due: " in x for x in lines)
    assert "│   └── [!] task-002 Form components — Waiting for the design review" in lines
    chain = lines[lines.index("CRITICAL PATH STATUS:") + 1]
    assert chain == (
        "✅ User authentication (M-001) → 🟡 Payments API (M-002) → ⏳ Testing framework (M-004)"
    )
    risks = lines[lines.index("RISK ALERTS:") + 1 : lines.index("RECENT ACTIVITY:") - 1]
    assert [r.split(":")[0] for r in risks] == ["🔴 HIGH", "🔴 HIGH", "🟡 MED", "🟡 MED"]
    assert "(Mitigation: Adapter layer with a fallback provider)" in risks[1]
    activity = lines[lines.index("RECENT ACTIVITY:") + 1 :]
    assert activity[0].startswith("- ") and "Paused work on M-002/task-002" in activity[0]
    stamps = [x[2:18] for x in activity]
    assert stamps == sorted(stamps, reverse=True)  # newest first


def test_json_is_the_same_content(demo: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("dashboard", "--json").output)
    status = json.loads(run_cli("status", "--json").output)

    assert data["project"]["progress"] == status["progress"]
    assert data["project"]["completed"] == 1
    assert data["focus"]["id"] == "M-002"
    assert [m["id"] for m in data["active"]] == ["M-002", "M-005", "M-003", "M-004"]
    assert [c["state"] for c in data["critical_path"]["chain"]] == [
        "done",
        "in_progress",
        "waiting",
    ]
    assert {r["level"] for r in data["risk_alerts"]["alerts"]} == {"high", "medium"}
    kinds = [r["event_type"] for r in data["recent_activity"]]
    assert kinds[:2] == ["session_paused", "session_started"]


def test_a_large_plan_stays_on_one_screen(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    write_plan(initialized, 60)

    lines = run_cli("dashboard", "--level", "simple").output.splitlines()

    assert "└── and 50 more (git milestone list)" in lines
    assert sum("[~] task-001" in x for x in lines) == 8  # the most urgent ones' open tasks
    assert len(lines) < 50
    assert len(run_cli("dashboard", "--top", "3").output.splitlines()) < 40


def test_status_scales_with_the_plan(initialized: Path, run_cli: Callable[..., Result]) -> None:
    write_plan(initialized, 3)
    assert run_cli("status").output.startswith("Project: ")
    cfg = initialized / ".milestones/config/ui-config.yaml"
    cfg.write_text(cfg.read_text().replace("milestones: 100", "milestones: 3"))

    lines = run_cli("status").output.splitlines()

    assert lines[0] == "MILESTONE PROGRESS DASHBOARD"
    assert lines[-1].startswith("Everything: git milestone list")
    assert run_cli("status", "--level", "simple").output.startswith("Project: ")


def test_every_ui_config_key_is_read(initialized: Path, run_cli: Callable[..., Result]) -> None:
    write_plan(initialized, 4)
    cfg = initialized / ".milestones/config/ui-config.yaml"
    text = cfg.read_text()
    cfg.write_text(
        text.replace("level: auto", "level: rich")
        .replace("color: auto", "color: always")
        .replace("top: 10", "top: 2")
        .replace("activity: 8", "activity: 0")
    )

    out = run_cli("dashboard", "--width", "100").output

    assert "\x1b[" in out and "╭" in out  # rich, in colour, although not a terminal
    assert "and 2 more (git milestone list)" in out
    assert "RECENT ACTIVITY" in out and "Milestone 1" in out
    plain = run_cli("dashboard", "--color", "never").output
    assert "\x1b[" not in plain and plain.startswith("MILESTONE PROGRESS DASHBOARD")


def test_rich_view_shows_markup_as_typed(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "[bold red]Launch[/] \x1b[31m", "--end", "2027-01-01", "--hours", "4")

    out = run_cli("status", "--level", "rich", "--color", "always", "--width", "120").output

    assert "[bold red]Launch[/]" in out
    assert "\x1b[31m " not in out  # the title's own escape sequence is not passed on


def test_auto_level_follows_the_seed_tiers() -> None:
    assert auto_level({}, 24, 10) == "simple"
    assert auto_level({}, 25, 10) == "rich"
    assert auto_level({}, 3, 250) == "rich"
    assert auto_level({}, 100, 0) == "dashboard"
    assert auto_level({"thresholds": {"rich": 5}}, 5, 0) == "rich"  # older files: an integer


def test_color_follows_no_color_and_the_terminal() -> None:
    assert wants_color("auto", True, {}) is True
    assert wants_color("auto", True, {"NO_COLOR": "1"}) is False
    assert wants_color("auto", False, {}) is False
    assert wants_color("always", False, {"NO_COLOR": "1"}) is True
    assert wants_color("never", True, {}) is False


def test_log_summarises_every_event_type(own_demo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("risk", "add", "M-003", "Fonts licence", "-p", "0.5", "-i", "high", "-m", "Buy it")
    lines = run_cli("log").output.splitlines()

    def line(kind: str) -> str:
        return [x for x in lines if f"  {kind} " in x][-1]

    assert "Identified high risk: Fonts licence (p=0.5, impact high)" in line("risk_identified")
    assert line("fields_set").split("  ")[-2].startswith("Changed M-002: set ")
    assert "Paused work on M-002/task-002: Checkout endpoint" in line("session_paused")
    assert all(not x.split()[4].startswith("(") for x in lines)  # every event has a summary


def test_piped_output_is_plain_unless_colour_is_forced(
    demo: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("status", "--level", "rich").output.startswith("Project: ")
    cfg = demo / ".milestones/config/ui-config.yaml"
    monkeypatch.setenv("NO_COLOR", "1")
    text = cfg.read_text()
    try:
        cfg.write_text(text.replace("color: auto", "color: always"))
        assert run_cli("status", "--level", "rich").output.startswith("Project: ")
    finally:
        cfg.write_text(text)
    forced = run_cli("status", "--level", "rich", "--color", "always").output
    assert "\x1b[" in forced and "┏━" in forced
