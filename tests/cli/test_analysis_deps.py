"""`deps` on real repositories: the graph in every format, ready and blocked work."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from tests.analysis.plans import build_cli_plan
from tests.cli.helpers import assert_user_error, write_unchecked
from tests.conftest import Prebuilt


@pytest.fixture
def plan(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    def build(root: Path) -> None:
        build_cli_plan(run_cli)
        run_cli("set", "M-001", "resources.shared=[database]")

    prebuilt("test_analysis_deps.plan", build)
    return initialized


def test_text(plan: Path, run_cli: Callable[..., Result]) -> None:
    result = run_cli("deps", "--from", "2026-11-02")

    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "M-003  Docs",
        "M-001  Auth  [critical]",
        "  enables   M-002",
        "  shares    database",
        "  task-002  after task-001",
        "M-002  Payments  [critical]",
        "  requires  M-001",
        "  task-002  after task-001",
    ]


def test_one_milestone_and_its_neighbours(plan: Path, run_cli: Callable[..., Result]) -> None:
    out = run_cli("deps", "M-002").output

    assert "M-001  Auth" in out and "M-002  Payments" in out and "M-003" not in out


def test_yaml_is_the_seed_view(plan: Path, run_cli: Callable[..., Result]) -> None:
    out = run_cli("deps", "--format", "yaml", "--from", "2026-11-02").output

    assert out.startswith("# Derived by `git milestone deps --format yaml`")
    assert yaml.safe_load(out) == {
        "dependencies": {
            "M-003": {
                "depends_on": [],
                "enables": [],
                "shared_resources": [],
                "critical_path": False,
            },
            "M-001": {
                "depends_on": [],
                "enables": ["M-002"],
                "shared_resources": ["database"],
                "critical_path": True,
            },
            "M-002": {
                "depends_on": ["M-001"],
                "enables": [],
                "shared_resources": [],
                "critical_path": True,
            },
        }
    }


def test_mermaid(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("set", "M-003", 'title=Docs "v2" <b>')
    lines = run_cli("deps", "--format", "mermaid", "--tasks", "--from", "2026-11-02").output
    lines_ = lines.splitlines()

    assert lines_[0] == "flowchart LR"
    assert '  m0["M-003: Docs #quot;v2#quot; #lt;b#gt;"]' in lines_
    assert '  subgraph m1["M-001: Auth"]' in lines_
    assert '    m1t1["task-002: Login"]' in lines_
    assert "  m1 --> m2" in lines_ and "  m1t0 --> m1t1" in lines_


def test_dot(plan: Path, run_cli: Callable[..., Result]) -> None:
    lines = run_cli("deps", "--format", "dot").output.splitlines()

    assert lines[0] == "digraph milestones {" and lines[-1] == "}"
    assert "  m1 -> m2;" in lines
    assert not any("cluster" in line for line in lines)  # tasks only with --tasks


def test_json(plan: Path, run_cli: Callable[..., Result]) -> None:
    for args in (("--json",), ("--format", "json")):
        data = json.loads(run_cli("deps", *args).output)
        m2 = next(r for r in data["milestones"] if r["id"] == "M-002")
        assert m2["depends_on"] == ["M-001"]
        assert m2["tasks"][1]["depends_on"] == ["M-002/task-001"]
        assert data["warnings"] == []


def test_ready_and_blocked(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("task", "block", "M-001/task-001", "--reason", "no database yet")
    out = run_cli("deps", "--ready", "--blocked").output.splitlines()

    assert out == [
        "ITEM   STATUS   TITLE",
        "M-003  planned  Docs",
        "",
        "ITEM            WAITING FOR               TITLE",
        "M-001/task-001  blocked: no database yet  Schema",
        "M-001/task-002  M-001/task-001            Login",
        "M-002/task-001  M-001                     Adapter",
        "M-002/task-002  M-001; M-002/task-001     Checkout",
    ]


def test_ready_json_follows_completions(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("task", "done", "M-001/task-001")
    data = json.loads(run_cli("deps", "--ready", "--json").output)

    assert [r["id"] for r in data["ready"]] == ["M-001/task-002", "M-003"]
    assert "blocked" not in data


def test_disagreeing_enables_is_a_warning(plan: Path, run_cli: Callable[..., Result]) -> None:
    run_cli("set", "M-003", "dependencies.enables=[M-001]")
    result = run_cli("deps")

    assert result.exit_code == 0
    assert (
        "warning: .milestones/active/M-003.yaml: field 'dependencies.enables': "
        "M-003 declares it enables M-001, but M-001 does not require M-003" in result.output
    )
    data = json.loads(run_cli("deps", "--json").output)
    assert data["warnings"][0]["field"] == "dependencies.enables"


def test_unknown_required_milestone(plan: Path, run_cli: Callable[..., Result]) -> None:
    write_unchecked(plan, "M-003", "dependencies.requires=[M-404]")

    lines = assert_user_error(run_cli("deps"), "M-003 requires unknown milestone 'M-404'")
    assert lines[0].startswith(
        "Error: .milestones/active/M-003.yaml: field 'dependencies.requires': "
    )


def test_unknown_ref_argument(plan: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("deps", "M-404"), "unknown milestone 'M-404'")


def test_needs_init(repo: Path, run_cli: Callable[..., Result]) -> None:
    assert_user_error(run_cli("deps"), "no .milestones/")


def test_help(repo: Path, run_cli: Callable[..., Result]) -> None:
    out = run_cli("deps", "--help").output

    assert "Examples:" in out and "--format [text|mermaid|dot|yaml|json]" in out
