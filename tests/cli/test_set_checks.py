"""Every write checks the plan it leaves: real dates, existing references, no cycles. A write
that would break one is refused and nothing is written."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file


@pytest.fixture
def two(initialized: Path, run_cli: Callable[..., Result]) -> Path:
    assert run_cli("new", "Auth", "--hours", "8").exit_code == 0
    assert run_cli("new", "Payments", "--hours", "8", "--requires", "M-001").exit_code == 0
    return initialized


@pytest.mark.parametrize("day", ["2026-13-01", "2026-02-30"])
def test_set_refuses_a_date_that_is_not_in_the_calendar(
    two: Path, run_cli: Callable[..., Result], day: str
) -> None:
    before = ms_file(two, "M-001").read_bytes()

    result = run_cli("set", "M-001", f"timeline.estimated_end={day}")

    assert_user_error(result, f"{day} is not a date in the calendar")
    assert ms_file(two, "M-001").read_bytes() == before


def test_validate_rejects_an_impossible_date_in_a_file(
    two: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(two, "M-001")
    path.write_text(path.read_text() + "completed_at: 2026-02-30T10:00:00Z\n")

    result = run_cli("validate")

    assert result.exit_code == 1
    assert "2026-02-30T10:00:00Z is not a date in the calendar" in result.output


def test_set_refuses_a_reference_to_a_milestone_that_does_not_exist(
    two: Path, run_cli: Callable[..., Result]
) -> None:
    before = ms_file(two, "M-001").read_bytes()

    result = run_cli("set", "M-001", "dependencies.requires=[M-404]")

    assert_user_error(result, "requires unknown milestone 'M-404'", "nothing was written")
    assert ms_file(two, "M-001").read_bytes() == before


def test_set_refuses_a_dependency_cycle(two: Path, run_cli: Callable[..., Result]) -> None:
    before = ms_file(two, "M-001").read_bytes()

    result = run_cli("set", "M-001", "dependencies.requires=[M-002]")

    lines = assert_user_error(result, "nothing was written")
    assert "cycle" in lines[0] or "M-002" in lines[0]
    assert ms_file(two, "M-001").read_bytes() == before
    assert run_cli("validate").exit_code == 0
