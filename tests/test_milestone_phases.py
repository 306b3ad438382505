"""A milestone's phase progress, folded from its tasks' phase statuses and the phase events."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.core.events import Event
from gitmilestone.core.model import PHASES, Milestone
from gitmilestone.core.phases import milestone_phases


def task(tid: str, status: str = "in_progress", **phases: str) -> dict[str, Any]:
    found = {p: {"status": phases.get(p, "pending")} for p in PHASES}
    return {
        "id": tid,
        "title": tid,
        "status": status,
        "kiro_workflow": {"enabled": True, "phases": found},
    }


def ms(*tasks: dict[str, Any]) -> Milestone:
    data = {
        "schema_version": 1,
        "id": "M-001",
        "title": "M",
        "tasks": [*tasks, {"id": "plain", "title": "p"}],
    }
    return Milestone.from_dict(data, path=".milestones/active/M-001.yaml", location="active")


def event(n: int, kind: str, tid: str, phase: str, hour: int) -> Event:
    return Event(f"{n:020x}", f"2026-07-20T{hour:02d}:00:00Z", kind, "M-001", tid, {"phase": phase})


LOG = [
    event(1, "phase_started", "t1", "design", 9),
    event(2, "phase_started", "t2", "design", 10),
    event(3, "phase_completed", "t1", "design", 11),
    event(4, "phase_completed", "t2", "design", 13),
    event(5, "phase_started", "t1", "spec", 14),
]
M = ms(
    task("t1", design="approved", spec="in_progress"),
    task("t2", design="completed", task="skipped"),
    task("t3", "completed"),
)


def test_shares_current_phase_and_history() -> None:
    found = milestone_phases(M, LOG)
    assert found["phase_progress"] == {
        "design": 100.0,
        "spec": 33.33,
        "task": 50.0,
        "execute": 33.33,
    }
    assert found["current_phase"] == "spec"
    design, spec = found["phase_history"]
    assert design["started_at"] == "2026-07-20T09:00:00Z"
    assert design["completed_at"] == "2026-07-20T13:00:00Z"  # the last task to finish it
    assert (spec["tasks_started"], spec["completed_at"]) == (1, None)


def test_every_phase_done_means_no_current_phase() -> None:
    done = ms(
        task("t1", "completed"),
        task("t2", design="skipped", spec="approved", task="approved", execute="completed"),
    )
    found = milestone_phases(done, [])
    assert found["current_phase"] is None
    assert set(found["phase_progress"].values()) == {100.0}


@given(st.permutations(LOG))
def test_the_order_of_events_does_not_matter(log: list[Event]) -> None:
    assert milestone_phases(M, log) == milestone_phases(M, LOG)
