"""Stakeholders: on milestones and in the project config, shown, listed, linted."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file

CONFIG = ".milestones/config/milestone-config.yaml"


def test_add_show_list_remove(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Payments")
    added = run_cli(
        "stakeholder", "add", "M-001", "Dana", "--role", "product owner",
        "--expects", "card payments live by the launch", "--contact", "dana@example.com",
    )  # fmt: skip
    assert added.output == "Added stakeholder Dana to M-001 (1 in all)\n"
    run_cli("stakeholder", "add", "M-001", "Ops team", "--role", "operations")
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["stakeholders"][0] == {
        "name": "Dana",
        "role": "product owner",
        "expectations": "card payments live by the launch",
        "contact": "dana@example.com",
    }
    shown = run_cli("show", "M-001").output
    assert (
        "Stakeholders\n  - Dana (product owner) <dana@example.com>: expects card payments live"
        " by the launch\n  - Ops team (operations)\n"
    ) in shown
    assert run_cli("validate").exit_code == 0

    assert run_cli("stakeholder", "remove", "M-001", "Ops team").exit_code == 0
    names = [
        s["name"]
        for s in json.loads(run_cli("show", "M-001", "--json").output)["file"]["stakeholders"]
    ]
    assert names == ["Dana"]


def test_project_stakeholders_come_from_the_config(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    cfg = initialized / CONFIG
    cfg.write_text(
        cfg.read_text().replace(
            "stakeholders: []", "stakeholders:\n  - {name: Board, expectations: A launch in Q1}"
        )
    )
    run_cli("new", "Payments")
    run_cli("stakeholder", "add", "M-001", "Dana")
    rows = json.loads(run_cli("stakeholder", "list", "--json").output)
    assert rows == [
        {"where": "project", "name": "Board", "expectations": "A launch in Q1"},
        {"where": "M-001", "name": "Dana"},
    ]
    text = run_cli("stakeholder", "list").output
    assert text == "project  Board: expects A launch in Q1\nM-001    Dana\n"


def test_mistakes_are_clear(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Payments")
    run_cli("stakeholder", "add", "M-001", "Dana")
    assert_user_error(run_cli("stakeholder", "add", "M-001", "Dana"), "already a stakeholder")
    lines = assert_user_error(
        run_cli("stakeholder", "remove", "M-001", "Bob"), "no stakeholder 'Bob'"
    )
    assert "hint: its stakeholders: Dana" in lines
    cfg = initialized / CONFIG
    cfg.write_text(cfg.read_text().replace("stakeholders: []", "stakeholders: [{role: x}]"))
    assert_user_error(run_cli("stakeholder", "list"), "milestone-config.yaml")


def test_lint_asks_critical_milestones_for_stakeholders(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Payments", "--priority", "critical")
    codes = [f["code"] for f in json.loads(run_cli("lint", "--json").output)["findings"]]
    assert "MS019" in codes
    run_cli("stakeholder", "add", "M-001", "Dana", "--role", "product owner")
    found = json.loads(run_cli("lint", "--json").output)["findings"]
    ms018 = [f for f in found if f["code"] == "MS019"]
    assert [f["message"] for f in ms018] == ["stakeholder Dana has no expectations written down"]
    run_cli("set", "M-001", "stakeholders[0].expectations=payments by March")
    codes = [f["code"] for f in json.loads(run_cli("lint", "--json").output)["findings"]]
    assert "MS019" not in codes
    run_cli("new", "Docs", "--priority", "low")
    assert "MS019" not in [
        f["code"] for f in json.loads(run_cli("lint", "M-002", "--json").output)["findings"]
    ]
