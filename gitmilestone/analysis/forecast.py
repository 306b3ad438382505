"""Monte Carlo forecast over the history of task completions.

The history is the number of tasks completed on each working day, from the first completion
up to the day before the forecast starts (idle days count: they are part of the pace). Each
trial draws days from that history, with replacement, until the open tasks are done; the spread
of the trials' lengths gives the P50/P85/P95 dates. A completion on a day off counts on the
working day before it."""

from __future__ import annotations

import bisect
import datetime as dt
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from gitmilestone.analysis.calendar import WorkCalendar, parse_date
from gitmilestone.analysis.graph import is_closed
from gitmilestone.core import clock
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone

MIN_COMPLETIONS = 5
MIN_DAYS = 5
PERCENTILES = (50, 85, 95)
HORIZON_YEARS = 20


@dataclass(frozen=True)
class History:
    samples: list[int]  # tasks completed per working day, oldest first
    completions: int

    @property
    def enough(self) -> bool:
        return self.completions >= MIN_COMPLETIONS and len(self.samples) >= MIN_DAYS


def completion_dates(events: Iterable[Event], milestone: str | None = None) -> list[dt.date]:
    """The day each task was first completed (a task completed twice counts once)."""
    first: dict[tuple[str, str], str] = {}
    for e in events:
        if e.event_type != "task_completed" or not (e.milestone_id and e.task_id):
            continue
        if milestone and e.milestone_id != milestone:
            continue
        key = (e.milestone_id, e.task_id)
        if key not in first or e.timestamp < first[key]:
            first[key] = e.timestamp
    out = []
    for stamp in first.values():
        try:
            out.append(clock.parse_day(stamp))
        except ValueError:
            continue  # an unreadable timestamp says nothing about the pace
    return sorted(out)


def history(days: Sequence[dt.date], cal: WorkCalendar) -> History:
    """Completions per working day before the calendar's start date."""
    indexes = [cal.days_through(d) - 1 for d in days if d < cal.start]
    if not indexes:
        return History([], 0)
    first = min(indexes)
    samples = [0] * (-first)
    for i in indexes:
        samples[i - first] += 1
    return History(samples, len(indexes))


def simulate(
    samples: Sequence[int], remaining: int, trials: int, rng: random.Random, horizon: int
) -> list[int | None]:
    """Working days each trial needs to finish `remaining` tasks; None past the horizon."""
    pace = sum(samples) / len(samples)
    chunk = max(16, math.ceil(1.25 * remaining / pace)) if pace else horizon
    return [_trial(samples, remaining, rng, min(chunk, horizon), horizon) for _ in range(trials)]


def _trial(
    samples: Sequence[int], remaining: int, rng: random.Random, chunk: int, horizon: int
) -> int | None:
    done = days = 0
    while days < horizon:
        draws = rng.choices(samples, k=min(chunk, horizon - days))
        totals = list(accumulate(draws, initial=done))[1:]
        hit = bisect.bisect_left(totals, remaining)  # totals never fall: counts are >= 0
        if hit < len(totals):
            return days + hit + 1
        done, days = totals[-1], days + len(draws)
    return None


def percentile(sorted_days: Sequence[int | None], q: float) -> int | None:
    """Nearest rank; None sorts last (a trial that never finished)."""
    rank = max(1, math.ceil(q / 100 * len(sorted_days)))
    return sorted_days[rank - 1]


@dataclass(frozen=True)
class Forecast:
    remaining: int
    trials: int
    seed: int
    days: list[int | None]  # sorted, None last

    def at(self, q: float) -> int | None:
        return percentile(self.days, q)

    def chance_by(self, deadline_days: int) -> float:
        hits = sum(1 for d in self.days if d is not None and d <= deadline_days)
        return hits / len(self.days) if self.days else 0.0


def run(hist: History, remaining: int, trials: int, seed: int, cal: WorkCalendar) -> Forecast:
    rng = random.Random(seed)
    horizon = HORIZON_YEARS * 52 * len(cal.weekdays)
    days: list[int | None] = [0] * trials
    if remaining:
        days = simulate(hist.samples, remaining, trials, rng, horizon)
    days.sort(key=lambda d: (d is None, d or 0))
    return Forecast(remaining, trials, seed, days)


def report(
    hist: History, fc: Forecast, cal: WorkCalendar, deadline: dt.date | None
) -> dict[str, Any]:
    """The forecast as `--json` prints it: dates for each percentile, the data behind them."""
    dates: dict[str, Any] = {}
    for q in PERCENTILES:
        n = fc.at(q)
        dates[f"p{q}"] = None if n is None else (cal.day(n - 1) if n else cal.start).isoformat()
        dates[f"p{q}_working_days"] = n
    out: dict[str, Any] = {
        "from": cal.start.isoformat(),
        "remaining_tasks": fc.remaining,
        "trials": fc.trials,
        "seed": fc.seed,
        "data_points": hist.completions,
        "history_days": len(hist.samples),
        "mean_per_day": round(hist.completions / len(hist.samples), 3) if hist.samples else 0,
        "beyond_horizon": sum(1 for d in fc.days if d is None),
        **dates,
    }
    if deadline is not None:
        out["deadline"] = deadline.isoformat()
        out["probability_by_deadline"] = round(fc.chance_by(cal.days_through(deadline)), 4)
    return out


def open_tasks(milestones: Sequence[Milestone], scope: str | None) -> int:
    return sum(
        1
        for m in milestones
        if (scope is None or m.id == scope) and not is_closed(m)
        for t in m.tasks
        if t.status != "completed"
    )


def forecast(
    milestones: Sequence[Milestone],
    events: Iterable[Event],
    cal: WorkCalendar,
    scope: str | None,
    trials: int,
    seed: int,
    project_pace: bool = False,
) -> dict[str, Any]:
    """The forecast for one milestone (at its own pace, or the project's) or the project."""
    hist = history(completion_dates(events, None if project_pace else scope), cal)
    if not hist.enough:
        return {"enough_history": False, "message": too_little(hist, scope, project_pace)}
    deadline = _deadline(milestones, scope)
    fc = run(hist, open_tasks(milestones, scope), trials, seed, cal)
    data = report(hist, fc, cal, deadline)
    return {"enough_history": True, "horizon_years": HORIZON_YEARS, **data}


def _deadline(milestones: Sequence[Milestone], scope: str | None) -> dt.date | None:
    """The milestone's estimated_end; for the project, the latest one of an open milestone."""
    ends = [
        parse_date(m.estimated_end, "timeline.estimated_end", m.path)
        for m in milestones
        if m.estimated_end and (m.id == scope if scope else not is_closed(m))
    ]
    return max(ends, default=None)


def too_little(hist: History, scope: str | None, project_pace: bool) -> str:
    whose = f"{scope}'s" if scope and not project_pace else "the project's"
    text = (
        f"Too little history to forecast: {whose} record has {hist.completions} completed "
        f"task(s) over {len(hist.samples)} working day(s); a forecast needs at least "
        f"{MIN_COMPLETIONS} completions spread over at least {MIN_DAYS} working days "
        "before the start date. Completions come from `Completes: M-ID/task-id` commit "
        "trailers and `git milestone task done`."
    )
    if scope and not project_pace:
        text += " --project-pace uses the whole project's record instead."
    return text
