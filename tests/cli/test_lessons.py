"""`complete` writes the actuals into lessons-learned.md: hours estimated vs spent per task,
the schedule slip, the efficiency ratio, the blockers met and which risks happened."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import ms_file
from tests.conftest import git

LESSONS = ".milestones/completed/lessons-learned.md"
RISKS = """\
risks:
  - id: R-001
    description: OAuth provider outage
    probability: 0.3
    impact: high
    status: closed
    resolution: provider was down for a day
  - id: R-002
    description: Key rotation breaks sessions
    probability: 0.2
    impact: medium
    status: mitigated
  - id: R-003
    description: Team member away
    probability: 0.5
    impact: low
    status: open
    occurred: true
"""


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def commit(root: Path, message: str, name: str) -> None:
    (root / name).write_text(message)
    git(root, "add", "-A")
    git(root, "commit", "-q", "--no-verify", "-m", message)


@pytest.fixture
def dated(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GIT_MILESTONE_DATE", "2026-12-21T10:00:00Z")


def test_lessons_record_hours_slip_blockers_and_risks(
    initialized: Path, run_cli: Callable[..., Result], dated: None
) -> None:
    ok(run_cli("new", "Auth", "--end", "2026-12-18", "--hours", "10"))
    ok(run_cli("task", "add", "M-001", "Login", "--hours", "4"))
    ok(run_cli("task", "add", "M-001", "Logout", "--hours", "6"))
    path = ms_file(initialized, "M-001")
    path.write_text(path.read_text().replace("risks: []\n", RISKS))
    commit(initialized, "plan", "plan.txt")
    ok(run_cli("task", "block", "M-001/task-002", "-r", "waiting for the IdP sandbox"))
    commit(initialized, "Login\n\nCompletes: M-001/task-001\nTime-Spent: 5h\n", "a.txt")
    commit(initialized, "Logout\n\nCompletes: M-001/task-002\nTime-Spent: 7.5h\n", "b.txt")

    ok(run_cli("apply"))  # the Completes: trailers into the file
    ok(run_cli("complete", "M-001", "-m", "Sandbox access first"))

    text = (initialized / LESSONS).read_text()
    assert "- Hours: 10 estimated, 12.5 actual; efficiency 0.80 (estimated / actual)" in text
    assert "  - task-001 Login: 4 h estimated, 5 h actual" in text
    assert "  - task-002 Logout: 6 h estimated, 7.5 h actual" in text
    assert "- Schedule: planned end 2026-12-18, actual 2026-12-21: 3 days late" in text
    assert "  - task-002: waiting for the IdP sandbox" in text
    assert "- Risks that happened: 2" in text
    assert "  - R-001 OAuth provider outage (provider was down for a day)" in text
    assert "  - R-003 Team member away (occurred)" in text
    assert "- Risks that did not: 1\n  - R-002 Key rotation breaks sessions (mitigated)" in text
    assert text.rstrip().endswith("Sandbox access first")


def test_lessons_without_a_planned_end_or_risks(
    initialized: Path, run_cli: Callable[..., Result], dated: None
) -> None:
    ok(run_cli("new", "Docs"))
    ok(run_cli("task", "add", "M-001", "Write"))
    ok(run_cli("task", "done", "M-001/task-001"))
    ok(run_cli("complete", "M-001"))
    text = (initialized / LESSONS).read_text()
    assert "- Schedule: ended 2026-12-21; no planned end to compare with" in text
    assert "- Blockers: none recorded" in text
    assert "- Risks: none identified" in text
    assert "  - task-001 Write: ? h estimated, 0 h actual" in text
