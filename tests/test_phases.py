"""The phase rules: gates and who may pass them, the state machine, deliverable paths and the
phase history folded from events."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.core.events import Event
from gitmilestone.core.model import PHASES, Milestone
from gitmilestone.core.phases import (
    Gate,
    approver_roles,
    check_approve,
    check_complete,
    check_start,
    default_phase,
    email_of,
    gate_for,
    inside,
    phase_history,
)
from gitmilestone.errors import MilestoneError
from gitmilestone.storage.templates import MILESTONE_CONFIG

CONFIG = yaml.safe_load(MILESTONE_CONFIG)
SEED_GATES = {
    "design_to_spec": {
        "approvers": ["architect", "tech_lead"],
        "criteria": ["architecture_approved", "api_design_validated"],
    },
    "spec_to_task": {
        "approvers": ["tech_lead"],
        "criteria": ["specification_complete", "test_plan_approved"],
    },
}


def task(**statuses: str) -> dict[str, Any]:
    phases = {p: {"status": statuses.get(p, "pending")} for p in PHASES}
    return {"id": "task-001", "title": "T", "kiro_workflow": {"enabled": True, "phases": phases}}


def ms(gates: dict[str, Any] | None = None) -> Milestone:
    data: dict[str, Any] = {"schema_version": 1, "id": "M-001", "title": "M", "tasks": [task()]}
    if gates is not None:
        data["kiro_configuration"] = {"enabled": True, "approval_gates": gates}
    return Milestone.from_dict(data, path=".milestones/active/M-001.yaml", location="active")


def gates(m: Milestone, raw: dict[str, Any]) -> list[Gate]:
    return [gate_for(m, raw, p, CONFIG) for p in PHASES]


# -- gates ----------------------------------------------------------------------------------------


def test_project_gates_by_default_design_and_spec_need_approval() -> None:
    found = gates(ms(), task())

    assert [(g.name, g.required) for g in found] == [
        ("design_to_spec", True),
        ("spec_to_task", True),
        ("task_to_execute", False),
        ("execute_to_done", False),
    ]
    assert found[0].approvers == ()  # anyone
    assert found[1].criteria == ("specification_complete", "test_plan_approved")


def test_the_milestones_gates_come_first() -> None:
    found = gates(ms(SEED_GATES), task())

    assert found[0].approvers == ("architect", "tech_lead")
    assert found[1].approvers == ("tech_lead",)
    assert found[0].criteria == ("architecture_approved", "api_design_validated")


def test_the_task_phase_says_last_whether_approval_is_required_and_by_whom() -> None:
    raw = task()
    raw["kiro_workflow"]["phases"]["design"]["approval_required"] = False
    raw["kiro_workflow"]["phases"]["task"]["approval"] = {"required": True, "approvers": ["qa"]}

    found = gates(ms(SEED_GATES), raw)

    assert not found[0].required
    assert (found[2].required, found[2].approvers) == (True, ("qa",))


def test_a_gate_may_say_it_is_not_required() -> None:
    found = gates(ms({"spec_to_task": {"required": False}}), task())

    assert not found[1].required


ROLES = {"architect": ["ann@example.com"], "tech_lead": ["Bob@Example.com", "eve@example.com"]}


@pytest.mark.parametrize(
    ("email", "approvers", "expected"),
    [
        ("ann@example.com", ("architect", "tech_lead"), ["architect"]),
        ("bob@example.com", ("architect", "tech_lead"), ["tech_lead"]),  # case does not matter
        ("carl@example.com", ("carl@example.com",), ["carl@example.com"]),  # an e-mail itself
        ("carl@example.com", ("architect", "tech_lead"), []),
        ("carl@example.com", ("release_manager",), []),  # a role nobody is mapped to
        ("carl@example.com", (), ["anyone"]),
    ],
)
def test_who_may_approve(email: str, approvers: tuple[str, ...], expected: list[str]) -> None:
    gate = Gate("design_to_spec", "design", True, approvers, ())

    assert approver_roles(gate, email, ROLES) == expected


def test_email_of_a_git_identity() -> None:
    assert email_of("Ann Lee <ann@example.com>") == "ann@example.com"
    assert email_of("unknown") == "unknown"


# -- the state machine ----------------------------------------------------------------------------


def test_design_starts_first_and_spec_waits_for_its_gate() -> None:
    m = ms()
    check_start("M-001/task-001", task(), "design", gates(m, task()))

    for design in ("pending", "in_progress", "completed"):
        raw = task(design=design)
        with pytest.raises(MilestoneError, match="spec of M-001/task-001 cannot start: design is"):
            check_start("M-001/task-001", raw, "spec", gates(m, raw))
    check_start("M-001/task-001", task(design="approved"), "spec", gates(m, task()))


def test_a_phase_without_a_required_approval_passes_on_completion() -> None:
    raw = task(design="approved", spec="approved", task="completed")

    check_start("M-001/task-001", raw, "execute", gates(ms(), raw))


def test_a_skipped_phase_counts_as_passed() -> None:
    raw = task(design="skipped")

    check_start("M-001/task-001", raw, "spec", gates(ms(), raw))


def test_a_started_phase_cannot_start_again() -> None:
    raw = task(design="in_progress")

    with pytest.raises(MilestoneError, match="already in progress"):
        check_start("M-001/task-001", raw, "design", gates(ms(), raw))


@pytest.mark.parametrize(
    ("status", "message"),
    [("pending", "has not started"), ("completed", "already completed")],
)
def test_only_a_phase_in_progress_completes(status: str, message: str) -> None:
    with pytest.raises(MilestoneError, match=message):
        check_complete("M-001/task-001", task(design=status), "design")
    check_complete("M-001/task-001", task(design="in_progress"), "design")


@pytest.mark.parametrize(
    ("status", "message"),
    [
        ("pending", "has not started: there is nothing to approve"),
        ("in_progress", "still in progress"),
        ("approved", "already approved"),
    ],
)
def test_only_a_completed_phase_is_approved(status: str, message: str) -> None:
    with pytest.raises(MilestoneError, match=message):
        check_approve("M-001/task-001", task(design=status), "design")
    check_approve("M-001/task-001", task(design="completed"), "design")


@pytest.mark.parametrize(
    ("action", "statuses", "phase"),
    [
        ("start", {}, "design"),
        ("start", {"design": "approved"}, "spec"),
        ("complete", {"design": "approved", "spec": "in_progress"}, "spec"),
        ("complete", {}, "design"),  # none in progress: the check will say it has not started
        ("approve", {"design": "approved", "spec": "completed"}, "spec"),
        ("approve", {"design": "in_progress"}, "design"),
    ],
)
def test_default_phase(action: str, statuses: dict[str, str], phase: str) -> None:
    assert default_phase(action, task(**statuses), "M-001/task-001") == phase


def test_no_phase_left() -> None:
    done = task(**dict.fromkeys(PHASES, "approved"))

    with pytest.raises(MilestoneError, match="no phase of M-001/task-001 is left to start"):
        default_phase("start", done, "M-001/task-001")


# -- deliverable paths ----------------------------------------------------------------------------


@pytest.mark.parametrize("rel", ["../outside.md", "src/../../x", "/etc/passwd", " "])
def test_paths_outside_the_tree_are_refused(tmp_path: Path, rel: str) -> None:
    with pytest.raises(MilestoneError, match="relative to the repository root"):
        inside(tmp_path, rel)


def test_a_symlink_out_of_the_repository_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "docs").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (root / "docs" / "link").symlink_to(tmp_path / "elsewhere")

    with pytest.raises(MilestoneError, match="leads outside the repository"):
        inside(root, "docs/link/spec.md")
    assert inside(root, "docs/spec.md") == root / "docs" / "spec.md"


# -- history from events --------------------------------------------------------------------------


def event(n: int, kind: str, phase: str, stamp: str, approver: str | None = None) -> Event:
    details: dict[str, Any] = {"phase": phase}
    if approver:
        details["approver"] = approver
    return Event(f"{n:020x}", stamp, kind, "M-001", "task-001", details)


LOG = [
    event(1, "phase_started", "design", "2026-07-20T10:00:00Z"),
    event(2, "phase_completed", "design", "2026-07-20T11:30:00Z"),
    event(3, "phase_approved", "design", "2026-07-20T11:45:00Z", "ann@example.com"),
    event(4, "phase_started", "spec", "2026-07-20T11:45:00Z"),
    Event(
        "f" * 20, "2026-07-20T12:00:00Z", "phase_started", "M-002", "task-001", {"phase": "spec"}
    ),
    event(6, "task_started", "design", "2026-07-20T10:00:00Z"),
]


def test_phase_history_is_derived_from_events() -> None:
    found = [r.as_dict() for r in phase_history(LOG, "M-001", "task-001")]

    assert found == [
        {
            "phase": "design",
            "started_at": "2026-07-20T10:00:00Z",
            "completed_at": "2026-07-20T11:30:00Z",
            "approved_at": "2026-07-20T11:45:00Z",
            "approved_by": ["ann@example.com"],
            "duration_hours": 1.5,
        },
        {
            "phase": "spec",
            "started_at": "2026-07-20T11:45:00Z",
            "completed_at": None,
            "approved_at": None,
            "approved_by": [],
            "duration_hours": None,
        },
    ]


@given(st.permutations(LOG), st.lists(st.sampled_from(LOG), max_size=4))
def test_order_and_duplicates_do_not_change_the_history(
    events: list[Event], again: list[Event]
) -> None:
    assert phase_history([*events, *again], "M-001", "task-001") == phase_history(
        LOG, "M-001", "task-001"
    )
