"""The critical path solved milestone by milestone gives what solving the whole network gives:
the same milestones in the same order, the same finish, on random plans full of ties."""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmilestone.analysis import twolevel
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.commands.dashboard import Source, critical_order
from gitmilestone.core.model import PHASES, Milestone, Settings, Task
from tests.analysis.plans import MONDAY, milestone, task

STATUSES = ("pending", "in_progress", "blocked", "completed")
SETTINGS = Settings(phases_enabled=True)


@st.composite
def tasks(draw: Any, count: int) -> tuple[Task, ...]:
    out = []
    for n in range(count):
        earlier = [f"task-{k:03d}" for k in range(n)]
        deps = draw(st.lists(st.sampled_from(earlier), max_size=2)) if earlier else []
        phased = draw(st.booleans()) and draw(st.booleans())
        out.append(
            task(
                f"task-{n:03d}",
                hours=draw(st.sampled_from([None, 0, 4, 8, 8, 16])),
                deps=tuple(deps),
                status=draw(st.sampled_from(STATUSES)),
                progress=draw(st.sampled_from([None, 0, 50])),
                phases={p: draw(st.sampled_from(["pending", "completed"])) for p in PHASES}
                if phased
                else None,
                phase_timing={"design": 1, "spec": 1, "task": 1, "execute": 1} if phased else None,
            )
        )
    return tuple(out)


@st.composite
def plans(draw: Any) -> list[Milestone]:
    count = draw(st.integers(1, 7))
    out = []
    for n in range(count):
        mid = f"M-{n + 1:03d}"
        earlier = [f"M-{k + 1:03d}" for k in range(n)]
        requires = draw(st.lists(st.sampled_from(earlier), max_size=3)) if earlier else []
        day = draw(st.sampled_from([None, 0, 1, 3, 10, 40]))
        end = (MONDAY + dt.timedelta(days=day)).isoformat() if day is not None else None
        out.append(
            milestone(
                mid,
                hours=draw(st.sampled_from([None, 8, 16])),
                requires=tuple(requires),
                tasks=draw(tasks(draw(st.integers(0, 5)))),
                estimated_end=end,
                declared_status=draw(st.sampled_from([None, None, None, "completed"])),
            )
        )
    return draw(st.permutations(out))  # the plan's order is not the dependency order


def both(
    plan: list[Milestone], today: dt.date = MONDAY
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """The whole network's critical order on `today`, and the two-level one from parts solved
    on another day (MONDAY): a part holds across days."""
    src = Source(plan, [], [], SETTINGS, {}, today, None)
    whole = critical_order(src, None)
    earlier = WorkCalendar.from_config({}, MONDAY)
    parts = [twolevel.part(m, earlier, SETTINGS, 0) for m in plan]
    cal = WorkCalendar.from_config({}, today)
    solved = twolevel.solve(
        [m.id for m in plan],
        [p[0] if p else None for p in parts],
        lambda i: parts[i][1],  # type: ignore[index]
        cal,
    )
    if solved is None:
        return whole, None
    order, finish = solved
    date = cal.finish_date(0, finish).isoformat() if finish else None
    return whole, {"order": order, "finish": date, "error": None}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans(), st.integers(0, 12))
def test_two_levels_give_the_whole_network_s_critical_path(
    plan: list[Milestone], later: int
) -> None:
    whole, split = both(plan, MONDAY + dt.timedelta(days=later))
    assert split is not None  # acyclic, known IDs, tasks within their milestone
    assert split == whole


def test_a_task_that_depends_on_another_milestone_s_is_solved_whole() -> None:
    plan = [
        milestone("M-001", tasks=(task("task-001"),)),
        milestone("M-002", tasks=(task("task-001", deps=("M-001/task-001",)),)),
    ]
    assert twolevel.part(plan[1], WorkCalendar.from_config({}, MONDAY), SETTINGS, 0) is None
    assert both(plan)[1] is None


def test_a_cycle_or_an_unknown_id_is_left_to_the_whole_network() -> None:
    cycle = [milestone("M-001", requires=("M-002",)), milestone("M-002", requires=("M-001",))]
    whole, split = both(cycle)
    assert split is None and whole["error"].startswith("dependency cycle")
    unknown = [milestone("M-001", requires=("M-009",))]
    whole, split = both(unknown)
    assert split is None and "unknown milestone" in whole["error"]
