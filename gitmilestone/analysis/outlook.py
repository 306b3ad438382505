"""The project's outlook at one side of a plan comparison: progress, the critical path, the
projected end (CPM on the working calendar) and the P85 forecast (Monte Carlo over the
completions that side's history holds, with a fixed seed so both sides and every run agree)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.analysis import forecast, schedule
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.core.events import Event
from gitmilestone.core.model import Milestone, Settings, project_progress
from gitmilestone.errors import CycleError, MilestoneError

TRIALS = 500  # enough for a P85 to the day; both sides use the same seed
SEED = 1


def outlook(
    milestones: Sequence[Milestone],
    events: Sequence[Event],
    config: Mapping[str, Any],
    settings: Settings,
    start: dt.date,
) -> dict[str, Any]:
    cal = WorkCalendar.from_config(config, start)
    out: dict[str, Any] = {
        "progress": project_progress(milestones, settings) if milestones else 0.0,
        "cycle": [],
        "finish": None,
        "critical_path": [],
        "p85": None,
    }
    if milestones:
        out |= _schedule(milestones, cal, config, settings)
        out["p85"] = _p85(milestones, events, cal)
    return out


def _schedule(
    milestones: Sequence[Milestone], cal: WorkCalendar, config: Mapping[str, Any], s: Settings
) -> dict[str, Any]:
    buffer = (config.get("defaults") or {}).get("buffer_percentage") or 0
    try:
        net = schedule.build(milestones, cal, s, buffer)
        result = net.solve()
    except CycleError as err:  # no schedule on this side; the cycle is what the reader needs
        return {"cycle": err.labels}
    except MilestoneError:  # an unknown dependency or a bad date: lint and validate say which
        return {}
    path = [net.graph.nodes[i].label for i in schedule.critical_path(net, result)]
    finish = schedule.summary(net, result)["finish"]
    return {"finish": finish, "critical_path": path}


def _p85(milestones: Sequence[Milestone], events: Sequence[Event], cal: WorkCalendar) -> Any:
    data = forecast.forecast(milestones, events, cal, None, TRIALS, SEED)
    return data.get("p85") if data.get("enough_history") else None
