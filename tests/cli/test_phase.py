from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result

from tests.cli.helpers import assert_user_error, ms_file
from tests.conftest import Prebuilt, git, tree_snapshot

REF = "M-001/task-001"
SEED_GATES = """\
kiro_configuration:
  enabled: true
  approval_gates:
    design_to_spec:
      approvers: [architect, tech_lead]
      criteria: [architecture_approved, api_design_validated]
    spec_to_task:
      approvers: [tech_lead]
      criteria: [specification_complete, test_plan_approved]
"""


@pytest.fixture
def phased(initialized: Path, run_cli: Callable[..., Result], prebuilt: Prebuilt) -> Path:
    """M-001 with task-001 running through phases, committed so events land in notes."""

    def build(root: Path) -> None:
        run_cli("new", "Auth")
        run_cli("task", "add", "M-001", "Login API", "--hours", "10", "--phases")
        git(root, "add", "-A")
        git(root, "-c", "core.hooksPath=/dev/null", "commit", "-q", "-m", "plan")

    prebuilt("test_phase.phased", build)
    return initialized


def phases(repo: Path) -> dict[str, Any]:
    task = yaml.safe_load(ms_file(repo, "M-001").read_text())["tasks"][0]
    assert isinstance(task, dict)
    return task


def progress(run_cli: Callable[..., Result]) -> float:
    rows = json.loads(run_cli("task", "list", "M-001", "--json").output)
    return float(rows[0]["progress"])


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.output
    return result.output


def walk(run_cli: Callable[..., Result], *steps: str) -> None:
    for step in steps:
        action, phase = step.split()
        ok(run_cli("phase", action, REF, phase))


def with_seed_gates(repo: Path, roles: str = "") -> None:
    path = ms_file(repo, "M-001")
    path.write_text(path.read_text() + SEED_GATES)
    if roles:
        cfg = repo / ".milestones/config/milestone-config.yaml"
        cfg.write_text(cfg.read_text().replace("  roles: {}\n", f"  roles:\n{roles}"))


def test_a_task_walks_through_its_phases_and_progress_follows_the_weights(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    assert ok(run_cli("phase", "start", REF)) == f"Started design of {REF}\n"
    assert phases(phased)["status"] == "in_progress"
    assert ok(run_cli("phase", "complete", REF)).splitlines() == [
        f"Completed design of {REF}",
        f"Gate design_to_spec needs an approval by anyone: git milestone phase approve {REF}",
    ]
    assert progress(run_cli) == 15
    assert ok(run_cli("phase", "approve", REF)).splitlines() == [
        f"Gate design_to_spec of {REF}: criteria confirmed by test@example.com",
        "  [x] architecture_approved",
        "  [x] api_design_validated",
        f"Approved design of {REF}",
        "notice: approval recorded unsigned (approvals.require_signatures is false): anyone "
        "can record one under any e-mail; docs/approvals.md shows how to sign",
        f"Next: git milestone phase start {REF} spec",
    ]
    walk(run_cli, "start spec", "complete spec", "approve spec")
    assert progress(run_cli) == 40
    walk(run_cli, "start task", "complete task", "start execute")
    assert progress(run_cli) == 60
    assert ok(run_cli("phase", "complete", REF)).splitlines()[-1] == (
        f"All phases done: {REF} is completed."
    )
    task = phases(phased)
    assert task["status"] == "completed" and "completed_at" in task
    design = task["kiro_workflow"]["phases"]["design"]
    assert (design["status"], design["approved_by"]) == ("approved", "test@example.com")
    assert task["kiro_workflow"]["current_phase"] == "execute"
    assert progress(run_cli) == 100
    assert run_cli("validate").exit_code == 0


def test_every_change_is_an_event_and_the_history_comes_from_them(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    walk(run_cli, "start design", "complete design", "approve design", "start spec")

    log = json.loads(run_cli("log", "--json").output)
    status = json.loads(run_cli("phase", "status", REF, "--json").output)

    kinds = [e["event_type"] for e in log if e["event_type"].startswith("phase_")]
    # (events in the same second keep no order between them)
    assert sorted(kinds) == ["phase_approved", "phase_completed", "phase_started", "phase_started"]
    approval = next(e for e in log if e["event_type"] == "phase_approved")
    assert approval["details"] == {
        "phase": "design",
        "gate": "design_to_spec",
        "criteria": ["architecture_approved", "api_design_validated"],
        "approver": "test@example.com",
        "roles": ["anyone"],
    }
    (view,) = status
    design, spec = view["phases"][0], view["phases"][1]
    assert design["history"]["approved_by"] == ["test@example.com"]
    assert design["history"]["started_at"] and design["history"]["completed_at"]
    assert design["history"]["duration_hours"] is not None
    assert (spec["status"], spec["history"]["completed_at"]) == ("in_progress", None)


def test_phase_status_text(phased: Path, run_cli: Callable[..., Result]) -> None:
    walk(run_cli, "start design")

    lines = ok(run_cli("phase", "status")).splitlines()

    assert lines[0] == f"{REF}  Login API  (0% by phase weights)"
    assert lines[1].startswith("  design   in_progress  started ")
    assert lines[1].endswith("gate design_to_spec: approval by anyone")
    assert lines[3] == "  task     pending"
    assert ok(run_cli("phase", "status", "M-001")) == ok(run_cli("phase", "status"))


@pytest.mark.parametrize(
    ("before", "phase", "required"),
    [
        ([], "design", True),  # gate design_to_spec
        (["design"], "spec", True),  # gate spec_to_task
        (["design", "spec"], "task", False),  # gate task_to_execute
    ],
)
def test_each_gate_holds_the_next_phase_until_it_is_passed(
    phased: Path, run_cli: Callable[..., Result], before: list[str], phase: str, required: bool
) -> None:
    for done in before:
        walk(run_cli, f"start {done}", f"complete {done}", f"approve {done}")
    walk(run_cli, f"start {phase}", f"complete {phase}")
    after = {"design": "spec", "spec": "task", "task": "execute"}[phase]

    result = run_cli("phase", "start", REF, after)

    if required:
        assert_user_error(result, f"{after} of {REF} cannot start", "needs an approval")
        walk(run_cli, f"approve {phase}", f"start {after}")
    else:
        assert ok(result) == f"Started {after} of {REF}\n"


def test_gate_execute_to_done_when_required_completes_the_task_on_approval(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    path = ms_file(phased, "M-001")
    gate = "kiro_configuration:\n  approval_gates:\n    execute_to_done:\n      approvers: []\n"
    path.write_text(path.read_text() + gate)
    task = phases(phased)["kiro_workflow"]["phases"]
    assert task["execute"]["approval_required"] is False  # the task's own setting wins...
    run_cli("set", "M-001", "tasks.task-001.kiro_workflow.phases.execute.approval_required=true")
    for p in ("design", "spec", "task"):
        walk(run_cli, f"start {p}", f"complete {p}", f"approve {p}")
    walk(run_cli, "start execute", "complete execute")
    assert phases(phased)["status"] == "in_progress"

    assert ok(run_cli("phase", "approve", REF)).endswith(f"All phases done: {REF} is completed.\n")
    assert phases(phased)["status"] == "completed"


def test_listed_approvers_through_roles(
    phased: Path, run_cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    with_seed_gates(phased, "    architect: [ann@example.com]\n    tech_lead: [Bob@Example.com]\n")
    walk(run_cli, "start design", "complete design")
    monkeypatch.setenv("GIT_AUTHOR_EMAIL", "bob@example.com")

    out = ok(run_cli("phase", "approve", REF, "design"))

    assert out.startswith(
        f"Gate design_to_spec of {REF}: criteria confirmed by bob@example.com as tech_lead"
    )
    log = json.loads(run_cli("log", "--json").output)
    approval = next(e for e in log if e["event_type"] == "phase_approved")
    assert (approval["details"]["approver"], approval["details"]["roles"]) == (
        "bob@example.com",
        ["tech_lead"],
    )


def test_an_unknown_approver_is_refused_and_nothing_written(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    with_seed_gates(phased, "    architect: [ann@example.com]\n")
    walk(run_cli, "start design", "complete design")
    before = tree_snapshot(phased)

    result = run_cli("phase", "approve", REF)

    lines = assert_user_error(
        result,
        "test@example.com is not an approver of gate design_to_spec",
        "architect (ann@example.com)",
        "tech_lead (a role with no identities in approvals.roles)",
    )
    assert "approvals.roles" in lines[-1]
    assert tree_snapshot(phased) == before
    assert "phase_approved" not in run_cli("log", "--json").output


def test_approving_a_phase_that_has_not_started_is_refused(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    before = tree_snapshot(phased)

    assert_user_error(run_cli("phase", "approve", REF, "design"), "has not started")
    assert_user_error(run_cli("phase", "approve", REF), "design of M-001/task-001 has not started")
    walk(run_cli, "start design")
    assert_user_error(run_cli("phase", "approve", REF), "still in progress")
    assert tree_snapshot(phased) != before


def test_a_missing_deliverable_blocks_completion(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    spec = ".milestones/deliverables/task-001/design/api-spec.yaml"
    value = f"[{{type: api_specification, path: {spec}}}, {{type: code, path: src/auth/}}]"
    run_cli("set", "M-001", f"tasks.task-001.kiro_workflow.phases.design.deliverables={value}")
    walk(run_cli, "start design")
    before = tree_snapshot(phased)

    result = run_cli("phase", "complete", REF)

    assert_user_error(result, "cannot complete", spec, "src/auth/")
    assert tree_snapshot(phased) == before
    assert (phased / spec).parent.is_dir()  # made when the phase started
    (phased / spec).write_text("openapi: 3.1.0\n")
    (phased / "src/auth").mkdir(parents=True)
    assert ok(run_cli("phase", "complete", REF)).startswith("Completed design")
    view = json.loads(run_cli("phase", "status", REF, "--json").output)[0]
    assert view["phases"][0]["deliverables"] == [
        {"path": spec, "state": "present"},
        {"path": "src/auth/", "state": "present"},
    ]


@pytest.mark.parametrize("bad", ["../outside.md", "docs/../../outside.md", "link/out.md"])
def test_a_deliverable_path_leading_out_of_the_repository_is_refused(
    phased: Path, run_cli: Callable[..., Result], bad: str, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "out.md").write_text("secret")
    (phased / "link").symlink_to(tmp_path / "elsewhere")
    run_cli(
        "set", "M-001", f"tasks.task-001.kiro_workflow.phases.design.deliverables=[{{path: {bad}}}]"
    )
    walk(run_cli, "start design")
    before = tree_snapshot(phased)

    result = run_cli("phase", "complete", REF)

    lines = assert_user_error(result, ".milestones/active/M-001.yaml", "deliverables[0].path", bad)
    assert any(word in lines[0] for word in ("without '..'", "leads outside the repository"))
    assert tree_snapshot(phased) == before


def test_a_task_without_phases_and_a_project_without_them(
    phased: Path, run_cli: Callable[..., Result]
) -> None:
    run_cli("task", "add", "M-001", "Plain")

    assert_user_error(run_cli("phase", "start", "M-001/task-002"), "does not use phases")
    cfg = phased / ".milestones/config/milestone-config.yaml"
    cfg.write_text(
        cfg.read_text().replace("  enabled: true\n  weights:", "  enabled: false\n  weights:")
    )
    assert_user_error(run_cli("phase", "start", REF), "phases are turned off")


def test_a_phase_cannot_start_twice(phased: Path, run_cli: Callable[..., Result]) -> None:
    walk(run_cli, "start design")

    assert_user_error(run_cli("phase", "start", REF, "design"), "already in progress")
    assert_user_error(
        run_cli("phase", "complete", REF, "spec"), "spec of M-001/task-001 has not started"
    )
