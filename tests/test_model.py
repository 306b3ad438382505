"""The pure rules of model.py: progress, status, IDs (DESIGN.md "Definitions")."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.core.model import (
    DEFAULT_PHASE_WEIGHTS,
    PHASES,
    TASK_STATUSES,
    Milestone,
    Settings,
    Task,
    duplicate_ids,
    milestone_progress,
    milestone_status,
    next_id,
    project_progress,
    task_progress,
)

SETTINGS = Settings()
NO_PHASES = Settings(phases_enabled=False)


def phased(statuses: Mapping[str, str], **fields: Any) -> Task:
    """A task with its kiro_workflow on, each phase in the given status (pending otherwise)."""
    data: dict[str, Any] = {"id": "task-001", "title": "T", **fields}
    phases = {p: {"status": s} for p, s in statuses.items()}
    data["kiro_workflow"] = {"enabled": True, "phases": phases}
    return Task.from_dict(data)


def milestone(*tasks: Task, **fields: Any) -> Milestone:
    return Milestone(
        id="M-001", title="M", path=".milestones/active/M-001.yaml", tasks=tasks, **fields
    )


# -- task progress --------------------------------------------------------------------------


def test_completed_task_is_100_whatever_else_it_says() -> None:
    task = phased({}, status="completed", progress=10)
    assert task_progress(task, DEFAULT_PHASE_WEIGHTS) == 100.0


@pytest.mark.parametrize(
    ("done", "expected"),
    [
        ((), 0.0),
        (("design",), 15.0),
        (("design", "spec"), 40.0),
        (("design", "spec", "task"), 60.0),
        (("execute",), 40.0),
        (PHASES, 100.0),
    ],
)
def test_phase_weighted_progress_uses_the_default_weights(
    done: tuple[str, ...], expected: float
) -> None:
    task = phased(dict.fromkeys(done, "completed"), status="in_progress", progress=99)
    assert task_progress(task, DEFAULT_PHASE_WEIGHTS) == expected


def test_an_approved_phase_counts_as_done_and_in_progress_does_not() -> None:
    task = phased({"design": "approved", "spec": "in_progress"}, status="in_progress")
    assert task_progress(task, DEFAULT_PHASE_WEIGHTS) == 15.0


def test_phase_weights_need_not_sum_to_100() -> None:
    weights = {"design": 1, "spec": 1, "task": 1, "execute": 1}
    task = phased({"design": "completed"}, status="in_progress")
    assert task_progress(task, weights) == 25.0


def test_with_phases_off_the_last_recorded_progress_counts() -> None:
    task = phased({"design": "completed"}, status="in_progress", progress=70)
    assert task_progress(task, DEFAULT_PHASE_WEIGHTS, phases_enabled=False) == 70.0


def test_a_disabled_workflow_falls_back_to_recorded_progress() -> None:
    data = {"id": "t", "title": "T", "progress": 35, "kiro_workflow": {"enabled": False}}
    task = Task.from_dict(data)
    assert task.phases is None
    assert task_progress(task, DEFAULT_PHASE_WEIGHTS) == 35.0


def test_a_task_without_phases_or_progress_is_at_0() -> None:
    task = Task.from_dict({"id": "t", "title": "T", "status": "in_progress"})
    assert task_progress(task, DEFAULT_PHASE_WEIGHTS) == 0.0


def test_missing_phases_in_an_enabled_workflow_are_pending() -> None:
    task = Task.from_dict({"id": "t", "title": "T", "kiro_workflow": {"enabled": True}})
    assert task.phases == dict.fromkeys(PHASES, "pending")


# -- milestone and project progress ---------------------------------------------------------


def test_milestone_progress_weighs_tasks_by_estimated_hours() -> None:
    big = Task(id="a", title="A", status="completed", estimated_hours=30)
    small = Task(id="b", title="B", estimated_hours=10)
    assert milestone_progress(milestone(big, small), SETTINGS) == 75.0


def test_a_task_without_an_estimate_weighs_one_hour() -> None:
    done = Task(id="a", title="A", status="completed")
    other = Task(id="b", title="B", estimated_hours=3)
    assert milestone_progress(milestone(done, other), SETTINGS) == 25.0


def test_milestone_progress_mixes_recorded_and_phase_progress() -> None:
    recorded = Task(id="a", title="A", status="in_progress", progress=50, estimated_hours=2)
    phases = phased({"design": "completed", "spec": "completed"}, estimated_hours=2)
    assert milestone_progress(milestone(recorded, phases), SETTINGS) == 45.0


def test_the_milestone_can_override_phase_weights() -> None:
    task = phased({"design": "completed"})
    weights = {"design": 50, "spec": 0, "task": 0, "execute": 50}
    assert milestone_progress(milestone(task, phase_weights=weights), SETTINGS) == 50.0
    assert milestone_progress(milestone(task), SETTINGS) == 15.0


def test_settings_weights_apply_without_a_milestone_override() -> None:
    weights = {"design": 10, "spec": 10, "task": 10, "execute": 70}
    task = phased({"design": "completed"})
    assert milestone_progress(milestone(task), Settings(phase_weights=weights)) == 10.0


def test_a_milestone_without_tasks_is_at_0_unless_completed() -> None:
    assert milestone_progress(milestone(), SETTINGS) == 0.0
    assert milestone_progress(milestone(declared_status="completed"), SETTINGS) == 100.0
    assert milestone_progress(milestone(location="completed"), SETTINGS) == 100.0


def test_project_progress_weighs_milestones_by_estimated_hours() -> None:
    done = Task(id="a", title="A", status="completed")
    m1 = Milestone(id="M-1", title="1", path="p1", estimated_hours=30, tasks=(done,))
    m2 = Milestone(id="M-2", title="2", path="p2", estimated_hours=10)
    assert project_progress([m1, m2], SETTINGS) == 75.0


def test_without_an_estimate_a_milestone_weighs_its_task_hours_else_one() -> None:
    done = Task(id="a", title="A", status="completed", estimated_hours=6)
    todo = Task(id="b", title="B", estimated_hours=2)
    by_tasks = Milestone(id="M-1", title="1", path="p1", tasks=(done, todo))
    empty = Milestone(id="M-2", title="2", path="p2")
    assert by_tasks.effort == 8.0
    assert empty.effort == 1.0
    assert project_progress([by_tasks, empty], SETTINGS) == round(8 * 75 / 9, 2)


def test_project_progress_of_nothing_is_0() -> None:
    assert project_progress([], SETTINGS) == 0.0


# -- status ---------------------------------------------------------------------------------


def _t(status: str, **fields: Any) -> Task:
    return Task(id=f"t-{status}", title=status, status=status, **fields)


@pytest.mark.parametrize(
    ("tasks", "declared", "location", "expected"),
    [
        ((), None, "active", "planned"),
        ((_t("pending"),), None, "active", "planned"),
        ((_t("pending"),), "planned", "active", "planned"),
        ((_t("in_progress"),), None, "active", "in_progress"),
        ((_t("completed"), _t("pending")), None, "active", "in_progress"),
        ((_t("pending", progress=5),), None, "active", "in_progress"),
        ((_t("blocked"), _t("pending")), None, "active", "blocked"),
        ((_t("blocked"), _t("completed")), None, "active", "blocked"),
        ((_t("blocked"), _t("in_progress")), None, "active", "in_progress"),
        ((_t("in_progress"),), "cancelled", "active", "cancelled"),
        ((_t("in_progress"),), "blocked", "active", "blocked"),
        ((_t("pending"),), "completed", "active", "completed"),
        ((_t("pending"),), "planned", "completed", "completed"),
        ((), "in_progress", "active", "in_progress"),
    ],
)
def test_milestone_status(
    tasks: tuple[Task, ...], declared: str | None, location: str, expected: str
) -> None:
    m = milestone(*tasks, declared_status=declared, location=location)
    assert milestone_status(m, SETTINGS) == expected


# -- IDs ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("existing", "expected"),
    [
        ([], "M-001"),
        (["M-001"], "M-002"),
        (["M-001", "M-007", "M-003"], "M-008"),
        (["M-002-k7q2", "M-005-ab12"], "M-006"),
        (["M-9", "M-0010"], "M-011"),
        (["task-004", "X-100", "M-x", "MM-050", "M-003x"], "M-001"),
        (["M-999"], "M-1000"),
    ],
)
def test_next_id_continues_after_the_highest_number(existing: list[str], expected: str) -> None:
    assert next_id("M", 3, existing) == expected


def test_next_id_pads_to_the_configured_digits_and_adds_the_suffix() -> None:
    assert next_id("task", 5, ["task-00041"]) == "task-00042"
    assert next_id("M", 3, ["M-001"], suffix="k7q2") == "M-002-k7q2"
    assert next_id("M", 0, []) == "M-1"


def test_next_id_escapes_the_prefix() -> None:
    assert next_id("a.b", 3, ["axb-009", "a.b-002"]) == "a.b-003"


def test_duplicate_ids_lists_each_repeated_id_once_in_first_repeat_order() -> None:
    assert duplicate_ids(["a", "b", "a", "c", "b", "a"]) == ["a", "b"]
    assert duplicate_ids(["a", "b"]) == []
    assert duplicate_ids([]) == []


def test_from_dict_reads_the_file_fields() -> None:
    data = {
        "id": "M-001",
        "title": "Auth",
        "status": "planned",
        "timeline": {"estimated_hours": 12, "estimated_end": "2026-12-18"},
        "dependencies": {"requires": ["M-000"]},
        "success_criteria": ["fast", {"description": "safe", "met": False}],
        "deliverables": [{"name": "API", "type": "code"}],
        "risks": [{"description": "r"}],
        "tasks": [{"id": "task-001", "title": "T", "dependencies": ["M-000/task-002"]}],
        "kiro_configuration": {"phase_weights": {"design": 1}},
    }
    m = Milestone.from_dict(data, path="p", location="active")
    assert (m.estimated_hours, m.estimated_end, m.requires) == (12, "2026-12-18", ("M-000",))
    assert m.success_criteria == ("fast", "safe")
    assert (m.deliverables, m.risk_count, m.phase_weights) == (("API",), 1, {"design": 1})
    assert m.task("task-001") == Task(id="task-001", title="T", dependencies=("M-000/task-002",))
    assert m.raw_task("task-001") is data["tasks"][0]  # type: ignore[index]
    assert m.task("nope") is None


# -- properties -----------------------------------------------------------------------------

phase_status = st.sampled_from(["pending", "in_progress", "completed", "approved", "skipped"])
hours = st.none() | st.floats(min_value=0, max_value=1e4, allow_nan=False)
weights = st.fixed_dictionaries(
    {p: st.floats(min_value=0, max_value=1e3, allow_nan=False) for p in PHASES}
)


@st.composite
def tasks(draw: st.DrawFn, index: int = 0) -> Task:
    phases = draw(st.none() | st.fixed_dictionaries({p: phase_status for p in PHASES}))
    return Task(
        id=f"task-{index:03d}",
        title="T",
        status=draw(st.sampled_from(TASK_STATUSES)),
        estimated_hours=draw(hours),
        progress=draw(st.none() | st.floats(min_value=0, max_value=100)),
        phases=phases,
    )


task_lists = st.lists(tasks(), max_size=12)
settings = st.builds(Settings, phases_enabled=st.booleans(), phase_weights=weights)


@given(task=tasks(), weights=weights, phases_on=st.booleans())
def test_task_progress_is_a_percentage(
    task: Task, weights: dict[str, float], phases_on: bool
) -> None:
    assert 0.0 <= task_progress(task, weights, phases_on) <= 100.0


@given(items=task_lists, settings=settings)
def test_milestone_progress_is_a_percentage(items: list[Task], settings: Settings) -> None:
    assert 0.0 <= milestone_progress(milestone(*items), settings) <= 100.0


@given(items=task_lists, settings=settings, seed=st.integers())
def test_task_order_does_not_change_milestone_progress(
    items: list[Task], settings: Settings, seed: int
) -> None:
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    before = milestone_progress(milestone(*items), settings)
    after = milestone_progress(milestone(*shuffled), settings)
    # Float sums may differ in the last bit; the result is rounded to 2 decimals.
    assert after == pytest.approx(before, abs=0.011)


@given(items=task_lists, settings=settings)
def test_completing_every_task_gives_100(items: list[Task], settings: Settings) -> None:
    done = [
        Task(id=t.id, title=t.title, status="completed", estimated_hours=t.estimated_hours)
        for t in items
    ]
    expected = 100.0 if done else 0.0
    assert milestone_progress(milestone(*done), settings) == expected


# Small milestones: the property is about weighing milestones, not about long task lists.
@given(groups=st.lists(st.lists(tasks(), max_size=4), max_size=5), settings=settings)
def test_project_progress_is_a_percentage(groups: list[list[Task]], settings: Settings) -> None:
    ms = [
        Milestone(id=f"M-{i}", title="M", path=f"p{i}", tasks=tuple(g))
        for i, g in enumerate(groups)
    ]
    assert 0.0 <= project_progress(ms, settings) <= 100.0


id_text = st.from_regex(r"\A(M|task|X)-[0-9]{1,5}(-[a-z0-9]{0,4})?\Z") | st.text(max_size=12)


@given(
    existing=st.lists(id_text, max_size=20),
    digits=st.integers(min_value=0, max_value=6),
    suffix=st.sampled_from(["", "k7q2", "0000"]),
)
def test_next_id_is_never_taken(existing: list[str], digits: int, suffix: str) -> None:
    new = next_id("M", digits, existing, suffix)
    assert new not in existing
    assert new.startswith("M-")


@given(existing=st.lists(id_text, max_size=20))
def test_next_id_then_next_id_again_grows(existing: list[str]) -> None:
    first = next_id("M", 3, existing)
    second = next_id("M", 3, [*existing, first])
    assert int(second.split("-")[1]) == int(first.split("-")[1]) + 1


@given(ids=st.lists(st.sampled_from(["a", "b", "c", "d"]), max_size=15))
def test_duplicate_ids_are_exactly_those_seen_twice(ids: list[str]) -> None:
    dups = duplicate_ids(ids)
    assert sorted(dups) == sorted({i for i in ids if ids.count(i) > 1})
    assert len(dups) == len(set(dups))
