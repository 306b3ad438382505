"""Milestone templates: `new --template`, `template list|show`, checked config."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file

CONFIG = ".milestones/config/milestone-config.yaml"


def _add_template(repo: Path, text: str) -> None:
    cfg = repo / CONFIG
    cfg.write_text(cfg.read_text().replace("templates:\n", "templates:\n" + text, 1))


def test_new_from_the_api_template(initialized: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("new", "Orders API", "--template", "api", "--end", "2026-12-18")

    assert result.exit_code == 0, result.output
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["category"] == "backend"
    assert len(data["success_criteria"]) == 2
    assert data["deliverables"][0]["name"] == "API specification"
    assert [t["id"] for t in data["tasks"]] == ["task-001", "task-002", "task-003"]
    assert data["tasks"][0]["skills"] == ["api-design"]
    assert all(t["kiro_workflow"]["enabled"] for t in data["tasks"])
    assert data["risks"][0]["id"] == "R-001" and data["risks"][0]["status"] == "open"
    assert run_cli("validate").exit_code == 0
    # the template's tasks are real tasks: they can be started and finished
    assert run_cli("task", "start", "M-001/task-001").exit_code == 0


def test_command_line_wins_over_the_template(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Ship 1.0", "-t", "release", "--category", "ops", "--priority", "low")
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert (data["category"], data["priority"]) == ("ops", "low")
    assert data["tasks"][0]["title"] == "Freeze and tag"


def test_risk_ids_stay_unique_across_milestones(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "One", "-t", "feature")
    run_cli("new", "Two", "-t", "feature")
    second = yaml.safe_load(ms_file(initialized, "M-002").read_text())
    assert second["risks"][0]["id"] == "R-002"


def test_default_template_is_the_empty_definition(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Plain")
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["tasks"] == [] and data["risks"] == [] and data["success_criteria"] == []
    shown = run_cli("template", "show")
    assert shown.output.startswith("Template default: Every field of the Milestone Definition")


def test_unknown_template_lists_the_known_ones(
    initialized: Path, run_cli: Callable[..., Result], snapshot: Callable[[Path], object]
) -> None:
    before = snapshot(initialized)
    lines = assert_user_error(run_cli("new", "X", "--template", "nope"), "unknown template 'nope'")
    assert any("default, feature, api, release" in line for line in lines)
    assert snapshot(initialized) == before
    assert_user_error(run_cli("template", "show", "nope"), "unknown template 'nope'")


def test_template_list_and_show(initialized: Path, run_cli: Callable[..., Result]) -> None:
    _add_template(initialized, "  docs:\n    category: documentation\n    tasks: [Write, Review]\n")

    listed = run_cli("template", "list")
    assert listed.exit_code == 0
    assert "docs" in listed.output and "(category documentation; 2 tasks)" in listed.output
    rows = json.loads(run_cli("template", "list", "--json").output)
    assert [r["name"] for r in rows] == ["default", "feature", "api", "release", "docs"]
    shown = run_cli("template", "show", "api")
    assert "  - Design the API (8 h) [api-design]" in shown.output
    assert json.loads(run_cli("template", "show", "docs", "--json").output)["tasks"] == [
        "Write",
        "Review",
    ]
    run_cli("new", "Guide", "-t", "docs")
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert [t["title"] for t in data["tasks"]] == ["Write", "Review"]


def test_a_bad_template_is_refused_with_its_line(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    _add_template(initialized, "  broken:\n    risks:\n      - {description: x, impact: huge}\n")
    result = run_cli("template", "list")
    lines = assert_user_error(result, "milestone-config.yaml")
    assert any("templates.broken.risks[0].impact" in line for line in lines)
