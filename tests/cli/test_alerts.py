"""`git milestone alerts` and the post-checkout line about a due-soon milestone."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from tests.conftest import git

CONFIG = ".milestones/config/milestone-config.yaml"


def on(monkeypatch: pytest.MonkeyPatch, day: str) -> None:
    """Every command from here on runs on `day` (the clock events and `today` share)."""
    monkeypatch.setenv("GIT_MILESTONE_DATE", f"{day}T09:00:00Z")


def alerts(run_cli: Callable[..., Result], *args: str) -> list[dict[str, Any]]:
    result = run_cli("alerts", "--json", *args)
    assert result.exit_code == 0, result.output
    found: list[dict[str, Any]] = json.loads(result.output)["alerts"]
    return found


def commit_plan(repo: Path) -> None:
    git(repo, "add", "-A")
    git(repo, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plan")


@pytest.fixture
def plan(
    initialized: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> Path:
    on(monkeypatch, "2026-11-02")
    run_cli("new", "Late", "--start", "2026-10-01", "--end", "2026-10-30")
    run_cli("new", "Soon", "--start", "2026-11-01", "--end", "2026-11-13")
    run_cli("new", "Later", "--start", "2026-11-01", "--end", "2026-12-18")
    run_cli("task", "add", "M-003", "Vendor API", "--hours", "8")
    run_cli("task", "add", "M-003", "Login API", "--hours", "8", "--phases")
    commit_plan(initialized)
    return initialized


def test_dates_and_the_due_window(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, "2026-11-10")
    found = alerts(run_cli)
    assert [(a["kind"], a["subject"], a["days"]) for a in found] == [
        ("overdue", "M-001", 11),
        ("due_soon", "M-002", 3),
    ]
    assert alerts(run_cli, "--within", "1") == found[:1]
    text = run_cli("alerts").output
    assert "OVERDUE\n  M-001  Late: due 2026-10-30, 11 days ago" in text
    assert "Soon: due in 3 days (2026-11-13)" in text
    assert text.endswith("\n2 alerts\n")


def test_blocked_risk_gate_and_paused(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, "2026-11-03")
    run_cli("task", "block", "M-003/task-001", "--reason", "waiting for vendor keys")
    run_cli("risk", "add", "M-003", "Vendor goes away", "--probability", "0.5", "--impact", "high")
    run_cli("risk", "add", "M-003", "Minor churn", "--probability", "0.1", "--impact", "low")
    run_cli("phase", "start", "M-003/task-002")
    run_cli("phase", "complete", "M-003/task-002")
    run_cli("start", "M-003/task-002")
    run_cli("pause", "-m", "half way through the login form")
    commit_plan(plan)

    on(monkeypatch, "2026-11-04")  # one day on: under every threshold but the gate's 0
    assert [a["kind"] for a in alerts(run_cli, "--within", "0")] == ["overdue", "risk", "gate"]

    on(monkeypatch, "2026-11-09")
    found = {a["kind"]: a for a in alerts(run_cli, "--within", "0")}
    assert set(found) == {"overdue", "blocked", "risk", "gate", "paused"}
    assert found["blocked"]["subject"] == "M-003/task-001"
    assert found["blocked"]["message"] == "Vendor API blocked for 6 days: waiting for vendor keys"
    assert found["risk"]["message"] == "high risk without mitigation: Vendor goes away"
    assert found["gate"]["message"] == (
        "Login API: design done, gate design_to_spec waits for approval for 6 days"
    )
    assert (
        found["paused"]["days"] == 6
        and "M-003/task-002 paused 6 days ago" in (found["paused"]["message"])
    )


def test_thresholds_come_from_the_config(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = plan / CONFIG
    cfg.write_text(cfg.read_text().replace("due_within_days: 7", "due_within_days: 60"))
    on(monkeypatch, "2026-11-10")
    assert [a["subject"] for a in alerts(run_cli)] == ["M-001", "M-002", "M-003"]


def test_exit_code_for_ci(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    on(monkeypatch, "2026-11-10")
    assert run_cli("alerts", "--exit-code").exit_code == 1
    run_cli("complete", "M-001", "--force")
    run_cli("set", "M-002", "status=cancelled")
    quiet = run_cli("alerts", "--exit-code")
    assert quiet.exit_code == 0, quiet.output
    assert quiet.output.startswith("No alerts")


def test_post_checkout_mentions_the_branch_milestone_when_due(
    plan: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("install").exit_code == 0
    git(plan, "branch", "milestone/M-002/task-001")
    git(plan, "branch", "milestone/M-003")
    on(monkeypatch, "2026-11-10")

    soon = git_stderr(plan, "checkout", "milestone/M-002/task-001")
    assert "git-milestone: M-002 Soon is due in 3 days (2026-11-13)" in soon
    assert "git-milestone:" not in git_stderr(plan, "checkout", "milestone/M-003")
    on(monkeypatch, "2026-11-20")
    late = git_stderr(plan, "checkout", "milestone/M-002/task-001")
    assert "is overdue: it was due 2026-11-13 (7 days ago)" in late


def git_stderr(repo: Path, *args: str) -> str:
    import subprocess

    proc = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return proc.stderr


def test_the_due_line_loads_no_heavy_module(plan: Path) -> None:
    import subprocess
    import sys

    code = (
        "import sys; before = set(sys.modules)\n"
        "from gitmilestone.hooks.due import due_line\n"
        "assert due_line('.', 'milestone/M-002') is not None\n"
        "print(' '.join(sorted(set(sys.modules) - before)))"
    )
    env = {"GIT_MILESTONE_DATE": "2026-11-10", "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=plan, capture_output=True, text=True, check=True, env=env
    )
    loaded = set(out.stdout.split())
    assert not loaded & {"yaml", "click", "jsonschema", "pygit2", "typing", "subprocess"}
