from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, changed_lines, ms_file

HAND_WRITTEN = """\
# Payments: written by hand, reviewed in PR #12.
schema_version: 1
id: M-001
title: "Payments API"   # the name marketing uses
priority: 'high'
reviewer: dana          # not part of the schema, must survive
timeline:
  estimated_end: 2026-12-11
  estimated_hours: 40   # from the sizing session
  buffer_percentage: 20
tasks:
  - id: task-001
    title: Provider adapter
    status: pending     # waiting for API keys
    estimated_hours: 12
  - id: task-002
    title: Webhooks
    status: pending
"""


@pytest.fixture
def hand_written(initialized: Path) -> Path:
    path = ms_file(initialized, "M-001")
    path.write_text(HAND_WRITTEN)
    return path


@pytest.fixture
def planned(initialized: Path, run_cli: Callable[..., Result]) -> Path:
    run_cli("new", "Auth", "--hours", "40")
    run_cli("task", "add", "M-001", "Schema", "--hours", "4")
    run_cli("task", "add", "M-001", "Login", "--hours", "8")
    return ms_file(initialized, "M-001")


def test_set_dotted_paths(planned: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli(
        "set",
        "M-001",
        "timeline.estimated_hours=60",
        "tasks[0].status=completed",
        "tasks.task-002.assigned_to=alice",
        "dependencies.external=[design-assets, legal review]",
    )

    assert result.output == "Updated M-001 (.milestones/active/M-001.yaml)\n"
    data = yaml.safe_load(planned.read_text())
    assert data["timeline"]["estimated_hours"] == 60
    assert data["tasks"][0]["status"] == "completed"
    assert data["tasks"][1]["assigned_to"] == "alice"
    assert data["dependencies"]["external"] == ["design-assets", "legal review"]
    shown = run_cli("show", "M-001").output
    assert "external: design-assets, legal review" in shown
    assert "task-002  Login (8h, 0%) @alice" in shown


def test_set_reads_values_as_yaml(planned: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("set", "M-001", "timeline.estimated_end=2026-12-18", "notes.flag=true")

    assert result.exit_code == 0, result.output

    text = planned.read_text()
    assert "  estimated_end: 2026-12-18\n" in text  # a date stays unquoted, like the template
    data = yaml.safe_load(text)
    assert data["notes"] == {"flag": True}
    assert "due 2026-12-18" in run_cli("status").output


def test_set_changes_only_the_line_it_sets(
    hand_written: Path, run_cli: Callable[..., Result]
) -> None:
    result = run_cli("set", "M-001", "timeline.estimated_hours=60")

    assert result.exit_code == 0, result.output
    assert changed_lines(HAND_WRITTEN, hand_written.read_text()) == [
        "-  estimated_hours: 40   # from the sizing session",
        "+  estimated_hours: 60   # from the sizing session",
    ]


def test_set_keeps_quoting_and_comments_of_the_lines_it_sets(
    hand_written: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli(
        "set", "M-001", "title=Payments v2", "priority=critical", "tasks.task-001.status=blocked"
    )

    assert changed_lines(HAND_WRITTEN, hand_written.read_text()) == [
        '-title: "Payments API"   # the name marketing uses',
        "-priority: 'high'",
        '+title: "Payments v2"    # the name marketing uses',  # the comment keeps its column
        "+priority: 'critical'",
        "-    status: pending     # waiting for API keys",
        "+    status: blocked     # waiting for API keys",
    ]


FOUR_SPACES = """\
schema_version: 1
id: M-001
title: Four spaces
timeline:
    estimated_hours: 10
tasks:
    -   id: task-001
        title: Only task
        status: pending
        dependencies:
            -   M-002/task-001
"""


def test_set_keeps_a_four_space_file_as_it_is(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(initialized, "M-001")
    path.write_text(FOUR_SPACES)

    result = run_cli("set", "M-001", "tasks.task-001.status=in_progress")

    assert result.exit_code == 0, result.output
    assert changed_lines(FOUR_SPACES, path.read_text()) == [
        "-        status: pending",
        "+        status: in_progress",
    ]


def test_untouched_files_stay_byte_identical(
    hand_written: Path, run_cli: Callable[..., Result]
) -> None:
    before = hand_written.read_bytes()
    run_cli("new", "Other")
    commands = [
        ("set", "M-002", "priority=high"),
        ("task", "add", "M-002", "Work", "--hours", "3"),
        ("task", "start", "M-002/task-001"),
        ("criteria", "add", "M-002", "Works"),
        ("deliverable", "add", "M-002", "Thing"),
        ("status",),
        ("list",),
        ("show", "M-001"),
        ("validate",),
        ("task", "list"),
        ("fix-ids",),
        ("complete", "M-002", "--force"),
    ]
    for args in commands:
        assert run_cli(*args).exit_code == 0, args

    assert hand_written.read_bytes() == before


def test_setting_the_same_value_leaves_the_file_alone(
    hand_written: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("set", "M-001", "timeline.estimated_hours=40")

    assert hand_written.read_text() == HAND_WRITTEN


@pytest.mark.parametrize(
    ("assignment", "where", "field", "hint"),
    [
        ("priority=urgent", ":5:", "field 'priority'", "use one of: critical, high"),
        (
            "timeline.estimated_hours=-1",
            ":9:",
            "field 'timeline.estimated_hours'",
            "minimum 0",
        ),
        ("tasks.task-001.status=later", ":14:", "field 'tasks[0].status'", "use one of: pending"),
    ],
)
def test_schema_violation_is_refused(
    hand_written: Path,
    run_cli: Callable[..., Result],
    assignment: str,
    where: str,
    field: str,
    hint: str,
) -> None:
    result = run_cli("set", "M-001", assignment)

    lines = assert_user_error(result, f".milestones/active/M-001.yaml{where}", field)
    assert hint in lines[-1]
    assert hand_written.read_text() == HAND_WRITTEN


def test_all_assignments_or_none(hand_written: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("set", "M-001", "priority=low", "timeline.estimated_hours=-5")

    assert_user_error(result, "timeline.estimated_hours")
    assert hand_written.read_text() == HAND_WRITTEN


def test_the_id_cannot_be_changed(hand_written: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("set", "M-001", "id=M-900")

    lines = assert_user_error(result, "M-001.yaml", "field 'id'", "from M-001 to M-900")
    assert "fix-ids" in lines[-1]
    assert hand_written.read_text() == HAND_WRITTEN


@pytest.mark.parametrize(
    ("assignment", "message"),
    [
        ("priority", "'priority' is not key=value"),
        ("tasks[5].status=completed", "index 5 is out of range (the list has 2 items)"),
        ("tasks.task-009.status=completed", "no item with id 'task-009'"),
        ("title.text=x", "goes through a value that is not a mapping or list"),
    ],
)
def test_bad_assignments_are_explained(
    hand_written: Path, run_cli: Callable[..., Result], assignment: str, message: str
) -> None:
    result = run_cli("set", "M-001", assignment)

    assert_user_error(result, message)
    assert hand_written.read_text() == HAND_WRITTEN


def test_a_bad_key_path_names_the_file(hand_written: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("set", "M-001", "tasks[5].status=completed")

    assert_user_error(result, ".milestones/active/M-001.yaml", "field 'tasks[5].status'")


def test_set_by_id_prefix(repo: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("init")
    path = repo / run_cli("new", "Auth").output.split("(")[1].rstrip(")\n")

    result = run_cli("set", "M-001", "priority=critical")

    assert result.exit_code == 0, result.output
    assert "priority: critical\n" in path.read_text()
