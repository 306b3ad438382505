from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import tree_snapshot


def test_criteria_add(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Auth")

    first = run_cli("criteria", "add", "M-001", "Login p95 latency under 200 ms")
    second = run_cli("criteria", "add", "M-001", "  Security review passed  ")

    assert first.output == "Added criterion to M-001 (1 in all)\n"
    assert second.output == "Added criterion to M-001 (2 in all)\n"
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["success_criteria"] == ["Login p95 latency under 200 ms", "Security review passed"]
    shown = run_cli("show", "M-001").output
    assert (
        "Success criteria\n  - Login p95 latency under 200 ms\n  - Security review passed" in shown
    )


def test_an_empty_criterion_is_refused(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Auth")
    before = tree_snapshot(initialized)

    result = run_cli("criteria", "add", "M-001", "   ")

    assert_user_error(result, "a success criterion cannot be empty")
    assert tree_snapshot(initialized) == before


def test_deliverable_add_with_every_option(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth")

    result = run_cli(
        "deliverable",
        "add",
        "M-001",
        "Auth API docs",
        "-t",
        "documentation",
        "-a",
        "OpenAPI spec reviewed",
        "-a",
        "Examples run",
        "--path",
        "docs/auth.md",
    )

    assert result.output == "Added deliverable to M-001 (1 in all)\n"
    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["deliverables"] == [
        {
            "name": "Auth API docs",
            "type": "documentation",
            "acceptance_criteria": ["OpenAPI spec reviewed", "Examples run"],
            "path": "docs/auth.md",
        }
    ]
    assert "Deliverables\n  - Auth API docs (documentation)" in run_cli("show", "M-001").output


def test_deliverable_defaults_to_code(initialized: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Auth")

    run_cli("deliverable", "add", "M-001", "Login service")
    run_cli("deliverable", "add", "M-001", "Load tests", "--type", "test")

    data = yaml.safe_load(ms_file(initialized, "M-001").read_text())
    assert data["deliverables"] == [
        {"name": "Login service", "type": "code", "acceptance_criteria": []},
        {"name": "Load tests", "type": "test", "acceptance_criteria": []},
    ]


def test_criteria_and_deliverables_for_unknown_milestones(
    initialized: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("new", "Auth")
    before = tree_snapshot(initialized)

    assert_user_error(run_cli("criteria", "add", "M-404", "x"), "unknown milestone 'M-404'")
    assert_user_error(run_cli("deliverable", "add", "M-404", "x"), "unknown milestone 'M-404'")
    assert tree_snapshot(initialized) == before
