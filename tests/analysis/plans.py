"""Building plans in memory for the analytics tests: milestones and tasks as the files give them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from gitmilestone.analysis import schedule
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.core.model import Milestone, Settings, Task

MONDAY = dt.date(2026, 11, 2)  # a Monday
ANALYZE_SECTIONS = [  # the perspectives of `analyze`, in report order
    "timeline",
    "decomposition",
    "dependencies_and_risk",
    "integration",
    "progress",
    "domains",
    "quality",
]
SETTINGS = Settings(phases_enabled=False)


def task(tid: str, hours: float | None = 8, deps: tuple[str, ...] = (), **kw: Any) -> Task:
    return Task(id=tid, title=f"Task {tid}", estimated_hours=hours, dependencies=deps, **kw)


def milestone(
    mid: str,
    hours: float | None = None,
    requires: tuple[str, ...] = (),
    tasks: tuple[Task, ...] = (),
    **kw: Any,
) -> Milestone:
    raw = kw.pop("raw", {})
    return Milestone(
        id=mid,
        title=f"Milestone {mid}",
        path=f".milestones/active/{mid}.yaml",
        estimated_hours=hours,
        buffer_percentage=kw.pop("buffer", 0),
        requires=requires,
        tasks=tasks,
        raw=raw,
        **kw,
    )


def network(milestones: list[Milestone], start: dt.date = MONDAY, **cal: Any) -> schedule.Network:
    return schedule.build(milestones, WorkCalendar(start, **cal), SETTINGS)


def by_id(net: schedule.Network) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for r in schedule.items(net, net.solve())}


def build_cli_plan(run: Any) -> None:
    """Through the CLI: M-001 (two tasks in a row) -> M-002 (two tasks in a row); M-003 alone.

    From Monday 2026-11-02 on a mon-fri, 8 h calendar: M-001 ends Wed 4th, M-002 Fri 6th
    (due Tue 10th), M-003 takes Monday (due 1 Dec).
    """
    steps = [
        ("new", "Auth", "--hours", "24", "--buffer", "0", "--end", "2026-11-06"),
        ("new", "Payments", "--buffer", "0", "--end", "2026-11-10", "--requires", "M-001"),
        ("new", "Docs", "--hours", "8", "--buffer", "0", "--end", "2026-12-01"),
        ("task", "add", "M-001", "Schema", "--hours", "8"),
        ("task", "add", "M-001", "Login", "--hours", "16", "--depends", "task-001"),
        ("task", "add", "M-002", "Adapter", "--hours", "8"),
        ("task", "add", "M-002", "Checkout", "--hours", "8", "--depends", "task-001"),
    ]
    for args in steps:
        result = run(*args)
        assert result.exit_code == 0, result.output
