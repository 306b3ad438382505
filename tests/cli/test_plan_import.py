from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt, git, tree_snapshot

ROADMAP = """\
# Shop relaunch

## Payments API (60h) [critical] after: M-001
start: 2026-11-16
end: 2026-12-11
Checkout through an external provider.

- Provider adapter (12h) @ann
- Checkout endpoint (2d) after: #provider-adapter, M-001/task-001
  - idempotency keys
- [x] Pick a provider (4h)

### Success criteria
- p95 checkout under 300 ms

### Deliverables
- Payments API

## Testing framework
after: #payments-api
buffer: 25
- Test harness (12h)
"""


@pytest.fixture
def base(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """M-001 with task-001 already in the plan, and the outline next to it."""

    def build(root: Path) -> None:
        run_cli("new", "Auth")
        run_cli("task", "add", "M-001", "Login", "--hours", "8")
        (root / "roadmap.md").write_text(ROADMAP)
        git(root, "add", "-A")
        git(root, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plan")

    prebuilt("test_plan_import.base", build)
    return initialized


def load(repo: Path, mid: str) -> dict[str, Any]:
    data = yaml.safe_load(ms_file(repo, mid).read_text())
    assert isinstance(data, dict)
    return data


def test_import_creates_milestone_files(base: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("plan", "import", "roadmap.md")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Created M-002: Payments API (3 tasks, after M-001)  .milestones/active/M-002.yaml",
        "Created M-003: Testing framework (1 task, after M-002)  .milestones/active/M-003.yaml",
        "2 milestones, 4 tasks",
    ]
    pay = load(base, "M-002")
    assert (pay["title"], pay["priority"], pay["description"]) == (
        "Payments API",
        "critical",
        "Checkout through an external provider.",
    )
    assert pay["timeline"] == {
        "estimated_start": dt.date(2026, 11, 16),
        "estimated_end": dt.date(2026, 12, 11),
        "estimated_hours": 60,
        "buffer_percentage": 20,
    }
    assert pay["dependencies"]["requires"] == ["M-001"]
    assert pay["resources"]["team_members"] == ["ann"]
    assert pay["success_criteria"] == ["p95 checkout under 300 ms"]
    assert pay["deliverables"] == [
        {"name": "Payments API", "type": "code", "acceptance_criteria": []}
    ]
    adapter, checkout, pick = pay["tasks"]
    assert (adapter["id"], adapter["estimated_hours"], adapter["assigned_to"]) == (
        "task-001",
        12,
        "ann",
    )
    assert checkout["dependencies"] == ["task-001", "M-001/task-001"]
    assert (checkout["estimated_hours"], checkout["description"]) == (16, "idempotency keys")
    assert pick["status"] == "completed"
    tests = load(base, "M-003")
    assert tests["dependencies"]["requires"] == ["M-002"]
    assert (tests["timeline"]["estimated_hours"], tests["timeline"]["buffer_percentage"]) == (
        12,
        25,
    )
    assert run_cli("validate").exit_code == 0
    log = json.loads(run_cli("log", "--json").output)
    created = [
        e for e in log if e["event_type"] == "milestone_created" and e["milestone_id"] != "M-001"
    ]
    assert sorted(e["details"]["tasks"] for e in created) == [1, 3]


def test_dry_run_prints_the_files_and_writes_nothing(
    base: Path, run_cli: Callable[..., Result]
) -> None:
    before = tree_snapshot(base)

    result = run_cli("plan", "import", "roadmap.md", "--dry-run")

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "--- would write .milestones/active/M-002.yaml"
    assert "id: M-002" in lines and "title: Payments API" in lines
    assert "--- would write .milestones/active/M-003.yaml" in lines
    assert lines[-1] == "2 milestones, 4 tasks (dry run: nothing written)"
    assert tree_snapshot(base) == before
    data = json.loads(run_cli("plan", "import", "roadmap.md", "--dry-run", "--json").output)
    assert data["dry_run"] is True
    assert yaml.safe_load(data["milestones"][1]["text"])["title"] == "Testing framework"
    assert tree_snapshot(base) == before


def test_ids_follow_the_collision_suffix(base: Path, run_cli: Callable[..., Result]) -> None:
    cfg = base / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("suffix_length: 0", "suffix_length: 4"))

    data = json.loads(run_cli("plan", "import", "roadmap.md", "--json").output)

    ids = [m["id"] for m in data["milestones"]]
    assert all(len(i) == len("M-002-k7q2") for i in ids)
    assert data["milestones"][1]["requires"] == [ids[0]]


@pytest.mark.parametrize(
    ("outline", "line", "message"),
    [
        ("## A\n- x\n## B after: #c\n- y\n## C\n- z\n", 3, "'after: #c' names a later heading"),
        ("## A after: #nowhere\n- x\n", 1, "names no heading of the outline"),
        ("## A after: M-404\n- x\n", 1, "unknown milestone 'M-404'"),
        ("## A\n- x after: #later\n- later\n", 2, "names no earlier task of this milestone"),
        ("## A\n- x after: M-001/task-404\n", 2, "unknown task 'task-404'"),
        ("## A\nstart: 2026-13-45x\n- x\n", 2, "is not a date"),
        ("## A\nstart: 2026-12-01\nend: 2026-11-01\n- x\n", 3, "ends before it starts"),
        ("## A\npriority: urgent\n- x\n", 2, "'urgent' is not a priority"),
        ("## A\nbuffer: lots\n- x\n", 2, "'lots' is not a number"),
        ("Notes\n- stray\n## A\n", 2, "a bullet before any milestone heading"),
    ],
)
def test_bad_outlines_name_the_line_and_write_nothing(
    base: Path, run_cli: Callable[..., Result], outline: str, line: int, message: str
) -> None:
    (base / "bad.md").write_text(outline)
    before = tree_snapshot(base)

    result = run_cli("plan", "import", "bad.md")

    assert_user_error(result, f"bad.md:{line}", message)
    assert tree_snapshot(base) == before


def test_a_missing_outline(base: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("plan", "import", "nope.md"), "nope.md", "cannot read the outline")
