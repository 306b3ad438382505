from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import changed_lines, ms_file, write_unchecked
from tests.conftest import Prebuilt, tree_snapshot


@pytest.fixture
def planned(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:

    def build(root: Path) -> None:
        run_cli("new", "Auth")
        run_cli("new", "Payments")
        run_cli("task", "add", "M-001", "Schema")
        run_cli("task", "add", "M-001", "Login")

    prebuilt("test_validate.planned", build)
    return initialized


def test_a_valid_plan(planned: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate")

    assert result.exit_code == 0
    assert result.output == "All milestone files are valid.\n"
    assert json.loads(run_cli("validate", "--json").output) == []


def test_a_copied_milestone_file_is_a_duplicate(
    planned: Path, run_cli: Callable[..., Result]
) -> None:
    shutil.copy(ms_file(planned, "M-002"), ms_file(planned, "M-003"))
    original = ms_file(planned, "M-002").read_bytes()

    result = run_cli("validate")

    assert result.exit_code == 1
    assert (
        "error: .milestones/active/M-003.yaml: field 'id': milestone id 'M-002' is used by 2 "
        "files: .milestones/active/M-002.yaml, .milestones/active/M-003.yaml"
    ) in result.output
    assert "id 'M-002' does not match the file name 'M-003.yaml'" in result.output
    assert "  hint: run `git milestone fix-ids`" in result.output

    fixed = run_cli("fix-ids")

    assert fixed.output.splitlines() == [
        "renamed milestone M-002 -> M-004 (.milestones/active/M-003.yaml)",
        "renamed file M-003.yaml -> M-004.yaml (.milestones/active/M-003.yaml)",
    ]
    assert not ms_file(planned, "M-003").exists()
    assert yaml.safe_load(ms_file(planned, "M-004").read_text())["id"] == "M-004"
    assert ms_file(planned, "M-002").read_bytes() == original
    assert run_cli("validate").output == "All milestone files are valid.\n"


def test_a_duplicated_task_entry(planned: Path, run_cli: Callable[..., Result]) -> None:
    path = ms_file(planned, "M-001")
    text = path.read_text()
    duplicated = text.replace("- id: task-002\n  title: Login", "- id: task-001\n  title: Login")
    path.write_text(duplicated)

    result = run_cli("validate")

    first, second = [i for i, x in enumerate(duplicated.splitlines(), 1) if x == "- id: task-001"]
    assert result.exit_code == 1
    assert (
        f"error: .milestones/active/M-001.yaml:{second}: field 'tasks[1].id': "
        "task id 'task-001' is used twice in M-001"
    ) in result.output
    assert f"M-001.yaml:{first}:" not in result.output

    assert run_cli("fix-ids").output == (
        "renamed task task-001 -> task-002 (.milestones/active/M-001.yaml)\n"
    )
    assert changed_lines(duplicated, path.read_text()) == ["-- id: task-001", "+- id: task-002"]
    assert run_cli("validate").exit_code == 0


def test_fix_ids_dry_run_changes_nothing(planned: Path, run_cli: Callable[..., Result]) -> None:
    shutil.copy(ms_file(planned, "M-002"), ms_file(planned, "M-003"))
    before = tree_snapshot(planned)

    result = run_cli("fix-ids", "--dry-run")

    assert result.output.splitlines() == [
        "would rename milestone M-002 -> M-004 (.milestones/active/M-003.yaml)",
        "would rename file M-003.yaml -> M-004.yaml (.milestones/active/M-003.yaml)",
    ]
    assert tree_snapshot(planned) == before
    assert run_cli("validate").exit_code == 1


def test_fix_ids_json(planned: Path, run_cli: Callable[..., Result]) -> None:
    ms_file(planned, "M-002").rename(ms_file(planned, "M-009"))

    changes = json.loads(run_cli("fix-ids", "--json").output)

    assert changes == [
        {
            "path": ".milestones/active/M-009.yaml",
            "old": "M-009.yaml",
            "new": "M-002.yaml",
            "what": "file",
        }
    ]
    assert ms_file(planned, "M-002").is_file()


def test_fix_ids_with_nothing_to_fix(planned: Path, run_cli: Callable[..., Result]) -> None:
    before = tree_snapshot(planned)

    assert run_cli("fix-ids").output == "No duplicate IDs.\n"
    assert tree_snapshot(planned) == before


def test_unknown_dependencies_are_reported(planned: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("set", "M-002", "tasks=[]")
    run_cli("task", "add", "M-002", "Adapter", "--depends", "M-001/task-001")
    write_unchecked(
        planned, "M-002", "dependencies.requires=[M-404]", "tasks[0].dependencies=[M-001/task-404]"
    )

    result = run_cli("validate", "--json")

    problems = json.loads(result.output)
    assert result.exit_code == 1
    assert [(p["code"], p["field"], p["message"]) for p in problems] == [
        ("unknown-dependency", "dependencies.requires", "requires unknown milestone 'M-404'"),
        (
            "unknown-dependency",
            "tasks.task-001.dependencies",
            "task task-001 depends on unknown task 'M-001/task-404'",
        ),
    ]
    assert all(p["path"] == ".milestones/active/M-002.yaml" for p in problems)


def test_validate_reports_every_broken_file(planned: Path, run_cli: Callable[..., Result]) -> None:
    ms_file(planned, "M-001").write_text("schema_version: 1\nid: M-001\ntitle: [unclosed\n")
    text = ms_file(planned, "M-002").read_text()
    ms_file(planned, "M-002").write_text(text.replace("priority: medium", "priority: urgent"))
    cfg = planned / ".milestones/config/ui-config.yaml"
    cfg.write_text(cfg.read_text().replace("color: auto", "color: purple"))

    result = run_cli("validate")

    assert result.exit_code == 1
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 3
    assert errors[0].startswith("error: .milestones/config/ui-config.yaml:")
    assert "field 'color'" in errors[0]
    assert errors[1].startswith("error: .milestones/active/M-001.yaml:4: not valid YAML")
    assert errors[2].startswith("error: .milestones/active/M-002.yaml:6: field 'priority'")
    assert "Traceback" not in result.output


def test_validate_without_init(repo: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("validate")

    assert result.exit_code == 1
    assert "run `git milestone init`" in result.output


def test_a_dependency_cycle_is_an_error(initialized: Path, run_cli: Callable[..., Result]) -> None:
    assert run_cli("new", "Auth").exit_code == 0
    assert run_cli("new", "Payments", "--requires", "M-001").exit_code == 0
    write_unchecked(initialized, "M-001", "dependencies.requires=[M-002]")

    result = run_cli("validate")

    assert result.exit_code == 1
    assert "dependency cycle: M-001 -> M-002 -> M-001" in result.output
