"""Comparing two sides of a plan: pure, so its symmetries are checked over many plans."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.analysis.plandiff import Side, milestone_changes
from gitmilestone.core.model import Milestone, Settings

STATUSES = st.sampled_from(["pending", "in_progress", "completed"])
TASK = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["A", "B"]),
        "status": STATUSES,
        "estimated_hours": st.sampled_from([None, 2, 8]),
    }
)
MILESTONE = st.fixed_dictionaries(
    {
        "title": st.sampled_from(["Build", "Ship"]),
        "end": st.sampled_from([None, "2026-12-01", "2027-01-15"]),
        "tasks": st.lists(TASK, max_size=4),
        "risk": st.sampled_from([None, 0.2, 0.7]),
    }
)
PLAN = st.dictionaries(st.sampled_from(["M-001", "M-002", "M-003"]), MILESTONE, max_size=3)


def side(plan: dict[str, dict[str, Any]]) -> Side:
    milestones = []
    for mid, m in sorted(plan.items()):
        data = {
            "id": mid,
            "title": m["title"],
            "timeline": {"estimated_end": m["end"]},
            "tasks": [{"id": f"task-{i}", **t} for i, t in enumerate(m["tasks"])],
            "risks": [
                {"id": "R-1", "description": "late", "probability": m["risk"], "impact": "high"}
            ]
            if m["risk"]
            else [],
        }
        milestones.append(Milestone.from_dict(data, path=f"{mid}.yaml", location="active"))
    return Side("x", None, milestones, [], Settings())


@given(PLAN)
def test_a_plan_compared_with_itself_has_no_changes(plan: dict[str, Any]) -> None:
    assert milestone_changes(side(plan), side(plan)) == []


@given(PLAN, PLAN)
def test_swapping_the_sides_swaps_added_and_removed(a: dict[str, Any], b: dict[str, Any]) -> None:
    forward = milestone_changes(side(a), side(b))
    backward = milestone_changes(side(b), side(a))
    swap = {
        "added": "removed",
        "removed": "added",
        "completed": "reopened",
        "reopened": "completed",
    }

    assert [m["id"] for m in forward] == [m["id"] for m in backward]
    for f, r in zip(forward, backward, strict=True):
        assert r["change"] == swap.get(f["change"], f["change"])
        assert (f["progress_before"], f["progress_after"]) == (
            r["progress_after"],
            r["progress_before"],
        )
        tasks_f = sorted((t["id"], swap.get(t["change"], t["change"])) for t in f["tasks"])
        assert tasks_f == sorted((t["id"], t["change"]) for t in r["tasks"])
