from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from gitmilestone.cli import COMMANDS
from tests.cli.helpers import ms_file
from tests.conftest import run_exe

TOP = Path(__file__).resolve().parents[2]
CLEAN = [
    ("criteria", "add", "M-001", "p95 login latency under 200 ms"),
    ("deliverable", "add", "M-001", "Auth API"),
    ("risk", "add", "M-001", "Provider outage", "-p", "0.1", "-i", "medium", "-m", "Retry"),
    ("task", "add", "M-001", "Login", "--hours", "8"),
    ("set", "M-001", "resources.team_members=[alice]"),
]


@pytest.fixture
def clean(initialized: Path, run_cli: Callable[..., Result]) -> Path:
    """M-001, three weeks long, that passes every check."""
    run_cli("new", "Auth", "--start", "2026-11-02", "--end", "2026-11-20", "--hours", "40")
    for args in CLEAN:
        assert run_cli(*args).exit_code == 0
    return initialized


def test_a_clean_plan_passes(clean: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("lint")

    assert (result.exit_code, result.output) == (
        0,
        "1 milestone checked: every quality check passes.\n",
    )


def test_findings_name_file_line_code_and_exit_1_on_errors(
    clean: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli(
        "new", "Big bang", "--priority", "critical", "--start", "2026-11-02", "--end", "2027-02-26"
    )

    result = run_cli("lint")

    assert result.exit_code == 1
    lines = result.output.splitlines()
    too_long = "MS001 warning: M-002: lasts 16.7 weeks (from its dates), over 4"
    (found,) = [line for line in lines if too_long in line]
    number = int(found.split(":")[1])
    assert found.startswith(".milestones/active/M-002.yaml:")
    assert "estimated_end" in ms_file(clean, "M-002").read_text().splitlines()[number - 1]
    assert any(
        line.startswith(".milestones/active/M-002.yaml:") and "MS014 error" in line
        for line in lines
    )
    assert any("MS019 warning: M-002: critical milestone without stakeholders" in x for x in lines)
    assert lines[-1] == "2 milestones checked: 2 errors, 5 warnings, 1 info"
    assert all(line.startswith("  hint: ") for line in lines[1:-2:2])


def test_json_format(clean: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("set", "M-001", "timeline.buffer_percentage=0")

    text = ms_file(clean, "M-001").read_text().splitlines()
    line = next(i for i, x in enumerate(text, 1) if "buffer_percentage" in x)
    for args in (("lint", "--format", "json"), ("lint", "--json")):
        result = run_cli(*args)
        data = json.loads(result.output)
        assert result.exit_code == 0
        assert data["checked"] == ["M-001"]
        assert data["counts"] == {"error": 0, "warning": 1, "info": 0}
        assert data["findings"] == [
            {
                "code": "MS012",
                "name": "no-buffer",
                "severity": "warning",
                "milestone": "M-001",
                "path": ".milestones/active/M-001.yaml",
                "line": line,
                "field": "timeline.buffer_percentage",
                "message": "no buffer for the unexpected",
                "hint": "git milestone set M-001 timeline.buffer_percentage=20",
            }
        ]


def test_severity_from_the_config(clean: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("set", "M-001", "timeline.buffer_percentage=0")
    cfg = clean / ".milestones/config/milestone-config.yaml"
    text = cfg.read_text()

    cfg.write_text(text.replace("MS012: warning", "MS012: error"))
    assert run_cli("lint").exit_code == 1
    cfg.write_text(text.replace("MS012: warning", "MS012: off"))
    assert run_cli("lint").output.endswith("every quality check passes.\n")


def test_one_milestone_and_completed_ones(clean: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("new", "Other")
    run_cli("complete", "M-001", "--force")

    assert json.loads(run_cli("lint", "--json").output)["checked"] == ["M-002"]
    assert json.loads(run_cli("lint", "M-001", "--json").output)["checked"] == ["M-001"]


def test_a_bad_severity_in_the_config_is_a_clear_error(
    clean: Path, run_cli: Callable[..., Result]
) -> None:
    cfg = clean / ".milestones/config/milestone-config.yaml"
    cfg.write_text(cfg.read_text().replace("MS012: warning", "MS012: fatal"))

    result = run_cli("lint")

    assert result.exit_code == 1
    assert "field 'lint.severity.MS012'" in result.output


def test_pre_commit_hooks_run_validate_and_lint(clean: Path) -> None:
    hooks = yaml.safe_load((TOP / ".pre-commit-hooks.yaml").read_text())

    assert [h["id"] for h in hooks] == ["git-milestone-validate", "git-milestone-lint"]
    for hook in hooks:
        exe, command, *rest = shlex.split(hook["entry"])
        assert (exe, rest, hook["pass_filenames"]) == ("git-milestone", [], False)
        assert command in COMMANDS
        assert hook["language"] == "python" and hook["files"] == r"^\.milestones/"
        assert run_exe(clean, command).returncode == 0
    path = ms_file(clean, "M-001")
    path.write_text(
        path.read_text().replace("success_criteria:\n- p95", "success_criteria: []\nx:\n- p95")
    )
    assert run_exe(clean, "lint").returncode == 1  # no success criteria: MS002 is an error
