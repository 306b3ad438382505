from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt, git, tree_snapshot


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """M-001 and M-002, committed so events land in notes."""

    def build(root: Path) -> None:
        run_cli("new", "Auth", "--end", "2026-11-20")
        run_cli("new", "Payments", "--end", "2026-12-11")
        git(root, "add", "-A")
        git(root, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plan")

    prebuilt("test_risk.plan", build)
    return initialized


def risks(repo: Path, mid: str = "M-001") -> list[dict[str, Any]]:
    found = yaml.safe_load(ms_file(repo, mid).read_text())["risks"]
    assert isinstance(found, list)
    return found


def events(run_cli: Callable[..., Result], kind: str) -> list[dict[str, Any]]:
    log = json.loads(run_cli("log", "--json").output)
    return [e for e in log if e["event_type"] == kind]


def test_risk_add_writes_the_risk_and_records_risk_identified(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli(
        "risk", "add", "M-001", "Payment API may change", "-p", "0.3", "-i", "high",
        "-m", "Adapter layer", "-o", "ann",
    )  # fmt: skip

    assert result.output == "Added M-001/R-001: score 0.9 (high)\n"
    (r,) = risks(plan)
    assert {k: v for k, v in r.items() if k != "identified_at"} == {
        "id": "R-001",
        "description": "Payment API may change",
        "probability": 0.3,
        "impact": "high",
        "mitigation": "Adapter layer",
        "owner": "ann",
        "status": "open",
    }
    (event,) = events(run_cli, "risk_identified")
    assert event["milestone_id"] == "M-001"
    assert event["details"]["risk_id"] == "R-001"
    assert (event["details"]["score"], event["details"]["level"]) == (0.9, "high")


def test_risk_ids_count_across_the_project(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("risk", "add", "M-001", "A", "-p", "0.1", "-i", "low")
    result = run_cli("risk", "add", "M-002", "B", "-p", "50%", "-i", "medium", "--json")

    assert json.loads(result.output)["ref"] == "M-002/R-002"
    assert risks(plan, "M-002")[0]["probability"] == 0.5


def test_risk_ids_carry_the_collision_suffix(plan: Path, run_cli: Callable[..., Result]) -> None:
    cfg = plan / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("suffix_length: 0", "suffix_length: 4"))

    run_cli("risk", "add", "M-001", "A", "-p", "0.1", "-i", "low")

    assert risks(plan)[0]["id"].startswith("R-001-")
    assert len(risks(plan)[0]["id"]) == len("R-001-k7q2")


@pytest.mark.parametrize("probability", ["1.5", "-0.2", "120%", "often"])
def test_a_probability_outside_0_to_1_is_refused_and_nothing_written(
    plan: Path, run_cli: Callable[..., Result], probability: str
) -> None:
    before = tree_snapshot(plan)

    result = run_cli("risk", "add", "M-001", "Bad", "-p", probability, "-i", "high")

    assert_user_error(result, "probability", "between 0 and 1")
    assert tree_snapshot(plan) == before
    assert events(run_cli, "risk_identified") == []


def test_risk_list_highest_score_first(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("risk", "add", "M-001", "Small", "-p", "0.1", "-i", "low", "-m", "Ignore")
    run_cli("risk", "add", "M-002", "Big", "-p", "0.4", "-i", "high")

    text = run_cli("risk", "list").output.splitlines()
    data = json.loads(run_cli("risk", "list", "--json").output)

    assert text[0].split() == [
        "RISK", "LEVEL", "SCORE", "P", "IMPACT", "STATUS", "OWNER", "DESCRIPTION"
    ]  # fmt: skip
    assert text[1].split() == ["M-002/R-002", "high", "1.20", "0.4", "high", "open", "-", "Big"]
    assert text[2].strip() == "mitigation: none (lint MS008)"
    assert [(r["ref"], r["level"]) for r in data] == [
        ("M-002/R-002", "high"),
        ("M-001/R-001", "low"),
    ]
    assert [r["ref"] for r in json.loads(run_cli("risk", "list", "M-001", "--json").output)] == [
        "M-001/R-001"
    ]
    high = json.loads(run_cli("risk", "list", "--level", "high", "--json").output)
    assert [r["ref"] for r in high] == ["M-002/R-002"]


def test_risk_update_changes_fields_and_records_them(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("risk", "add", "M-001", "Staff", "-p", "0.2", "-i", "medium")

    result = run_cli(
        "risk", "update", "R-001", "-p", "0.05", "-m", "Cross-train", "--status", "mitigated"
    )

    assert result.output == "Updated M-001/R-001: probability, mitigation, status\n"
    r = risks(plan)[0]
    assert (r["probability"], r["mitigation"], r["status"]) == (0.05, "Cross-train", "mitigated")
    (event,) = events(run_cli, "risk_updated")
    assert event["details"]["fields"] == ["probability", "mitigation", "status"]
    assert run_cli("risk", "update", "R-001", "-p", "0.05").output.endswith("nothing changed\n")


def test_risk_close_keeps_the_risk_in_the_register(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("risk", "add", "M-001", "Staff", "-p", "0.2", "-i", "medium")

    assert run_cli("risk", "close", "M-001/R-001", "-r", "Hired").output == "Closed M-001/R-001\n"

    r = risks(plan)[0]
    assert (r["status"], r["resolution"]) == ("closed", "Hired")
    assert "closed_at" in r
    assert json.loads(run_cli("risk", "list", "--json").output) == []
    assert len(json.loads(run_cli("risk", "list", "--all", "--json").output)) == 1
    assert events(run_cli, "risk_closed")[0]["details"]["notes"] == "Hired"
    assert_user_error(run_cli("risk", "close", "R-001"), "already closed")
    assert_user_error(run_cli("risk", "update", "R-001", "-p", "0.5"), "is closed")
    assert run_cli("risk", "update", "R-001", "--status", "open").exit_code == 0


def test_unknown_and_ambiguous_risks(plan: Path, run_cli: Callable[..., Result]) -> None:
    for mid in ("M-001", "M-002"):  # the same id written by hand in two milestones
        path = ms_file(plan, mid)
        hand = "risks:\n  - id: shared\n    description: Same id twice\n"
        path.write_text(path.read_text().replace("risks: []\n", hand))

    assert_user_error(run_cli("risk", "close", "R-404"), "unknown risk 'R-404'")
    assert_user_error(run_cli("risk", "close", "shared"), "ambiguous", "M-001/shared")
    assert run_cli("risk", "close", "M-002/shared").exit_code == 0


def test_a_hand_written_risk_without_id_is_named_by_its_place(
    plan: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(plan, "M-001")
    path.write_text(
        path.read_text().replace(
            "risks: []\n", "risks:\n  - description: Vendor lock-in\n    probability: 0.5\n"
        )
    )

    assert run_cli("risk", "list", "--json").output.count('"ref": "M-001/1"') == 1
    result = run_cli("risk", "update", "M-001/1", "-i", "medium", "-m", "Abstraction")

    assert result.exit_code == 0, result.output
    assert risks(plan)[0] == {
        "description": "Vendor lock-in",
        "probability": 0.5,
        "impact": "medium",
        "mitigation": "Abstraction",
    }


def test_risk_matrix(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("risk", "add", "M-001", "API", "-p", "0.3", "-i", "high")
    run_cli("risk", "add", "M-002", "Staff", "-p", "0.2", "-i", "medium")

    lines = run_cli("risk", "matrix").output.splitlines()
    grid = json.loads(run_cli("risk", "matrix", "--json").output)["grid"]

    assert lines[0] == "RISK MATRIX: probability x impact (2 active risks)"
    assert lines[2].split() == ["probability", "low", "medium", "high"]
    assert lines[6].split() == ["0.2-0.4", "L", ".", "M", "M-002/R-002", "H", "M-001/R-001"]
    assert grid["0.2-0.4"] == {"low": [], "medium": ["M-002/R-002"], "high": ["M-001/R-001"]}


def test_status_shows_high_risks_as_alerts(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("risk", "add", "M-001", "API may change", "-p", "0.3", "-i", "high", "-m", "Adapter")
    run_cli("risk", "add", "M-002", "Staff", "-p", "0.2", "-i", "medium")

    text = run_cli("status").output
    data = json.loads(run_cli("status", "--json").output)

    alert = "HIGH   M-001/R-001  API may change (p=0.3 x high = 0.90; mitigation: Adapter)"
    assert f"RISK ALERTS\n  {alert}" in text
    assert "Staff" not in text
    assert [a["ref"] for a in data["risk_alerts"]] == ["M-001/R-001"]
    run_cli("risk", "close", "R-001")
    assert "RISK ALERTS" not in run_cli("status").output


def test_status_alert_level_is_configurable(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("risk", "add", "M-002", "Staff", "-p", "0.2", "-i", "medium")
    cfg = plan / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("status_alerts: high", "status_alerts: medium"))

    assert "MEDIUM M-002/R-001  Staff" in run_cli("status").output
