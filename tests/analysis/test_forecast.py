from __future__ import annotations

import datetime as dt
import math
import random

import pytest

from gitmilestone.analysis import forecast
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.core.events import Event
from tests.analysis.plans import MONDAY, milestone, task

START = dt.date(2026, 11, 16)  # Monday, two working weeks after MONDAY


def done(day: dt.date, n: int, mid: str = "M-001") -> Event:
    return Event(f"e{mid}{n}", f"{day.isoformat()}T12:00:00Z", "task_completed", mid, f"t{n}")


def steady(per_day: int, days: int = 10) -> list[Event]:
    """`per_day` completions on each of `days` working days from MONDAY."""
    cal = WorkCalendar(MONDAY)
    return [done(cal.day(d), d * per_day + k) for d in range(days) for k in range(per_day)]


def plan(open_tasks: int, end: str | None = None) -> list[object]:
    tasks = tuple(task(f"open{i}") for i in range(open_tasks))
    return [milestone("M-001", tasks=tasks, estimated_end=end)]


def run(events: list[Event], open_tasks: int, seed: int = 1, **kw: object) -> dict[str, object]:
    return forecast.forecast(
        plan(open_tasks, kw.pop("end", None)),  # type: ignore[arg-type]
        events,
        WorkCalendar(START),
        kw.pop("scope", None),  # type: ignore[arg-type]
        10_000,
        seed,
        **kw,  # type: ignore[arg-type]
    )


def test_constant_throughput_has_one_answer() -> None:
    """2 tasks a day, 30 open: exactly 15 working days in every trial."""
    data = run(steady(2), 30)

    assert data["enough_history"] is True
    assert data["data_points"] == 20 and data["history_days"] == 10
    assert data["mean_per_day"] == 2
    assert data["p50"] == data["p85"] == data["p95"] == "2026-12-04"
    assert data["p50_working_days"] == 15


def test_closed_form_rounds_up_a_partial_day() -> None:
    data = run(steady(3), 31)

    assert data["p95_working_days"] == math.ceil(31 / 3)


def test_chance_of_meeting_the_deadline() -> None:
    on_time = run(steady(2), 30, end="2026-12-04", scope="M-001")
    assert on_time["probability_by_deadline"] == 1.0 and on_time["deadline"] == "2026-12-04"
    assert run(steady(2), 30, end="2026-12-03")["probability_by_deadline"] == 0.0


def _negative_binomial_quantile(successes: int, p: float, q: float) -> int:
    """Fewest days d with P(at least `successes` in d Bernoulli(p) days) >= q."""
    d = successes
    while True:
        tail = sum(math.comb(d, k) * p**k * (1 - p) ** (d - k) for k in range(successes, d + 1))
        if tail >= q:
            return d
        d += 1


def test_a_coin_flip_pace_matches_the_negative_binomial() -> None:
    cal = WorkCalendar(MONDAY)
    events = [done(cal.day(d), d) for d in range(0, 10, 2)]  # one task every other day
    data = run(events, 20)

    for q in (50, 85, 95):
        exact = _negative_binomial_quantile(20, 0.5, q / 100)
        assert abs(data[f"p{q}_working_days"] - exact) <= 1, q  # type: ignore[operator]


def test_the_same_seed_gives_the_same_forecast() -> None:
    cal = WorkCalendar(MONDAY)
    events = [done(cal.day(d), d) for d in range(0, 10, 2)]

    assert run(events, 20, seed=7) == run(events, 20, seed=7)
    hist = forecast.history(forecast.completion_dates(events), WorkCalendar(START))
    first, again, other = (
        forecast.run(hist, 20, 10_000, s, WorkCalendar(START)) for s in (7, 7, 8)
    )
    assert first.days == again.days and first.days != other.days


def test_too_little_history() -> None:
    data = run(steady(1, days=4), 10)

    assert data["enough_history"] is False
    assert "4 completed task(s) over 10 working day(s)" in str(data["message"])
    assert "at least 5 completions" in str(data["message"])


def test_a_milestone_uses_its_own_record_unless_told_otherwise() -> None:
    other = [done(MONDAY + dt.timedelta(days=d), d, "M-002") for d in range(10)]
    own = run(other, 10, scope="M-001")
    pooled = run(other, 10, scope="M-001", project_pace=True)

    assert own["enough_history"] is False and "--project-pace" in str(own["message"])
    assert pooled["enough_history"] is True


def test_history_counts_each_task_once_and_only_before_the_start() -> None:
    cal = WorkCalendar(START)
    saturday = dt.date(2026, 11, 14)
    events = [
        done(dt.date(2026, 11, 10), 1),
        done(dt.date(2026, 11, 12), 1),  # the same task again: counts on its first day
        done(saturday, 2),  # a day off: counts on the Friday
        done(START, 3),  # the start day itself is not history yet
    ]
    hist = forecast.history(forecast.completion_dates(events), cal)

    assert hist.samples == [1, 0, 0, 1]  # Tue 10 .. Fri 13
    assert hist.completions == 2


def test_trials_that_never_finish_are_reported() -> None:
    rng = random.Random(1)
    days = forecast.simulate([0, 0, 0, 1], 1000, 20, rng, horizon=100)

    assert days == [None] * 20
    assert forecast.percentile(sorted(days, key=lambda d: d is None), 50) is None


def test_nothing_open_is_done_today() -> None:
    data = run(steady(2), 0)

    assert data["p50"] == START.isoformat() and data["p50_working_days"] == 0


@pytest.mark.parametrize(("q", "rank"), [(50, 5), (85, 9), (95, 10), (100, 10)])
def test_percentile_is_nearest_rank(q: int, rank: int) -> None:
    assert forecast.percentile(list(range(1, 11)), q) == rank
