from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.analysis.plans import ANALYZE_SECTIONS
from tests.cli.helpers import assert_user_error
from tests.conftest import Prebuilt

HEADINGS = [
    "TIMELINE",
    "DECOMPOSITION",
    "DEPENDENCIES AND RISK",
    "INTEGRATION ACROSS MILESTONES",
    "PROGRESS",
    "DOMAINS",
    "QUALITY CHECKLIST",
]


@pytest.fixture
def project(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        run_cli("new", "Auth", "--start", "2026-11-02", "--end", "2026-11-20", "--hours", "40")
        run_cli("new", "Payments", "--start", "2026-11-16", "--end", "2026-12-11", "--hours", "60",
                "--requires", "M-001")  # fmt: skip
        run_cli("task", "add", "M-001", "Login", "--hours", "8", "--assign", "alice")
        run_cli("task", "add", "M-002", "Checkout", "--hours", "24", "--assign", "alice",
                "--depends", "M-001/task-001")  # fmt: skip
        run_cli("risk", "add", "M-002", "Provider API may change", "-p", "0.3", "-i", "high")

    prebuilt("test_analyze.project", build)
    return initialized


def test_one_report_from_every_perspective(project: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("analyze", "M-002")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert [line for line in lines if line and not line.startswith(" ")] == HEADINGS
    text = result.output
    assert "M-002  Payments" in text
    assert "- 2026-11-16 -> 2026-12-11 · 3.7 weeks · 60 h + 20% buffer = 72 h" in text
    assert "- starts 2026-11-16 but M-001 is due 2026-11-20: work may wait on it" in text
    assert "- HIGH M-002/R-001: Provider API may change (NO MITIGATION)" in text
    assert "- M-002/task-001 depends on M-001/task-001" in text
    assert "- alice is also on M-001 at the same time" in text
    assert "- MS002 error: no success criteria" in text
    assert "M-001  Auth" not in text


def test_every_active_milestone_by_default(project: Path, run_cli: Callable[..., Result]) -> None:
    data = json.loads(run_cli("analyze", "--json").output)

    assert data["milestones"] == ["M-001", "M-002"]
    assert list(data["sections"]) == ANALYZE_SECTIONS
    deps = data["sections"]["dependencies_and_risk"]["entries"]
    assert [(e["subject"], e["enables"]) for e in deps] == [("M-001", ["M-002"]), ("M-002", [])]
    quality = data["sections"]["quality"]["entries"][1]
    assert {f["code"] for f in quality["findings"]} >= {"MS002", "MS010", "MS013"}


def test_a_section_that_fails_is_reported_and_the_rest_still_shown(
    project: Path, run_cli: Callable[..., Result]
) -> None:
    cfg = project / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("holidays: []", "holidays: ['2026-02-30']"))

    result = run_cli("analyze", "M-001")

    assert result.exit_code == 0, result.output
    assert "TIMELINE\n  (could not be produced: '2026-02-30' is not a date)" in result.output
    assert "QUALITY CHECKLIST\n  M-001  Auth" in result.output


def test_unknown_milestone(project: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("analyze", "M-404"), "unknown milestone 'M-404'")


def test_decomposition_progress_and_domains_with_actions(
    project: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-11-13T12:00:00Z")
    run_cli("set", "M-001", "category=backend")
    run_cli(
        "task", "add", "M-001", "Deploy", "--hours", "4", "--assign", "bob", "--label", "deploy"
    )
    assert run_cli("task", "done", "M-001/task-001").exit_code == 0

    data = json.loads(run_cli("analyze", "--json").output)["sections"]
    decomposition = {e["subject"]: e for e in data["decomposition"]["entries"]}
    assert decomposition["M-002"]["too_large"] == ["task-001"]
    assert "split task-001 (Checkout) into tasks of 1-2 days" in decomposition["M-002"]["actions"]
    progress = {e["subject"]: e for e in data["progress"]["entries"]}
    assert progress["M-001"]["velocity_hours_per_week"] == 2  # 8 h done in 4 weeks
    assert progress["project"]["hours_left"] == 28
    domains = {e["subject"]: e for e in data["domains"]["entries"]}
    assert set(domains) == {"backend", "infrastructure", "other"}
    assert domains["infrastructure"]["people"] == {"bob": 4}
    text = run_cli("analyze", "M-002").output
    assert "         > split task-001 (Checkout) into tasks of 1-2 days" in text
