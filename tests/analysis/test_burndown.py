from __future__ import annotations

import datetime as dt

from gitmilestone.analysis import burndown
from gitmilestone.core.events import Event
from tests.analysis.plans import milestone, task

D = dt.date


def ev(kind: str, day: str, mid: str, tid: str | None = None) -> Event:
    return Event(f"{kind}{mid}{tid}{day}", f"{day}T09:00:00Z", kind, mid, tid)


PLAN = [
    milestone(
        "M-001",
        tasks=(
            task("a", hours=8, status="completed"),
            task("b", hours=4, status="completed"),
            task("c", hours=6),
            task("d", hours=None),  # no estimate: weighs 1 hour
        ),
    )
]
EVENTS = [
    ev("milestone_created", "2026-11-02", "M-001"),
    ev("task_added", "2026-11-02", "M-001", "a"),
    ev("task_added", "2026-11-02", "M-001", "b"),
    ev("task_completed", "2026-11-03", "M-001", "a"),
    ev("task_added", "2026-11-04", "M-001", "c"),  # scope grows
    ev("task_completed", "2026-11-05", "M-001", "b"),
    ev("task_completed", "2026-11-07", "M-001", "b"),  # again: the first one counts
]


def test_series_shows_progress_and_scope_changes() -> None:
    data = burndown.report(PLAN, EVENTS, "M-001", None, D(2026, 11, 5))
    rows = [
        (p["date"], p["scope_hours"], p["completed_hours"], p["remaining_hours"], p["scope_change"])
        for p in data["days"]
    ]

    # d has no task_added event: it is counted from the milestone's creation
    assert rows == [
        ("2026-11-02", 13, 0, 13, 0),
        ("2026-11-03", 13, 8, 5, 0),
        ("2026-11-04", 19, 8, 11, 6),
        ("2026-11-05", 19, 12, 7, 0),
    ]
    assert data["days"][-1]["tasks"] == 4 and data["days"][-1]["tasks_completed"] == 2
    assert data["scope"] == "M-001" and data["unit"] == "hours"


def test_since_and_until_clip_the_series() -> None:
    days = burndown.report(PLAN, EVENTS, None, D(2026, 11, 4), D(2026, 11, 4))["days"]

    # everything before the first day lands on it
    assert days == [
        {
            "date": "2026-11-04",
            "scope_hours": 19,
            "completed_hours": 8,
            "remaining_hours": 11,
            "scope_change": 0,
            "tasks": 4,
            "tasks_completed": 1,
        }
    ]


def test_a_completion_without_a_date_counts_from_the_start() -> None:
    plan = [milestone("M-001", tasks=(task("a", status="completed"), task("b")))]
    data = burndown.report(plan, [], None, None, D(2026, 11, 3))

    assert data["undated_completions"] == 1
    assert [p["remaining_hours"] for p in data["days"]] == [8]  # the series is just `until`


def test_completed_at_in_the_file_is_used_when_there_is_no_event() -> None:
    plan = [
        milestone(
            "M-001",
            raw={"created_at": "2026-11-01T10:00:00Z"},
            tasks=(task("a", status="completed", completed_at="2026-11-02T15:00:00Z"),),
        )
    ]
    days = burndown.report(plan, [], None, None, D(2026, 11, 2))["days"]

    assert [(p["date"], p["completed_hours"]) for p in days] == [
        ("2026-11-01", 0),
        ("2026-11-02", 8),
    ]


def test_a_range_that_ends_before_it_starts_is_empty() -> None:
    assert burndown.report(PLAN, EVENTS, None, D(2026, 11, 9), D(2026, 11, 2))["days"] == []
