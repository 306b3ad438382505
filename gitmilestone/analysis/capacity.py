"""People's availability and a resource-levelled schedule.

Availability: `resources.team_members` in milestone-config.yaml gives each person's hours per
week and days off; anyone assigned a task but not listed works the calendar's full day.

Levelling is a serial schedule generation scheme: tasks are placed one at a time, each at the
earliest moment its predecessors allow and its assignee has free hours, taking the open items
in order of least total float (then earliest start) of the unlevelled CPM, so the critical work
claims people first. A task is never split around another: it takes the earliest stretch of
its assignee's time that overlaps none of their other tasks, so two tasks of one person never
overlap; a part-time person's task stretches over more days. Unassigned tasks
and milestone markers take no one's time and start as soon as their predecessors finish.
Latest dates and float come from a backward pass over the levelled spans (an approximation: a
resource-constrained schedule has no exact float). Pure; no I/O."""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis import cpm, graph
from gitmilestone.analysis.calendar import CONFIG_PATH, parse_date
from gitmilestone.analysis.graph import TASK
from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:
    from gitmilestone.analysis.calendar import WorkCalendar
    from gitmilestone.analysis.schedule import Network

_FIELD = "resources.team_members"
_HORIZON = 5000  # working days: a person with no hours at all would never finish


@dataclass(frozen=True)
class Member:
    name: str
    hours_per_week: float | None = None  # None: the calendar's full week
    days_off: frozenset[dt.date] = frozenset()

    def minutes_on(self, day: dt.date, cal: WorkCalendar) -> int:
        """Working minutes this person has on a working day of the calendar."""
        if day in self.days_off:
            return 0
        if self.hours_per_week is None:
            return cal.day_minutes
        per_day = round(self.hours_per_week * 60 / len(cal.weekdays))
        return min(cal.day_minutes, per_day)


def team(config: Mapping[str, Any]) -> dict[str, Member]:
    """The people of milestone-config.yaml, by name."""
    found: dict[str, Member] = {}
    for item in (config.get("resources") or {}).get("team_members") or ():
        if isinstance(item, str):
            found[item] = Member(item)
            continue
        days = frozenset(d for entry in item.get("days_off") or () for d in _days(entry))
        found[str(item["name"])] = Member(str(item["name"]), item.get("hours_per_week"), days)
    return found


def _days(entry: Any) -> list[dt.date]:
    """A day off, or a {from, to} stretch of them (inclusive)."""
    if not isinstance(entry, Mapping):
        return [parse_date(entry, f"{_FIELD}.days_off", CONFIG_PATH)]
    first = parse_date(entry.get("from"), f"{_FIELD}.days_off.from", CONFIG_PATH)
    last = parse_date(entry.get("to"), f"{_FIELD}.days_off.to", CONFIG_PATH)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def assignee(net: Network, i: int) -> str | None:
    node = net.graph.nodes[i]
    if node.kind != TASK or node.task is None or graph.is_done(node) or not net.durations[i]:
        return None
    return node.task.assigned_to or None


@dataclass
class Levelled:
    result: cpm.Cpm
    # person -> working day index -> minutes booked that day
    booked: dict[str, dict[int, int]] = field(default_factory=dict)
    delayed: dict[int, int] = field(default_factory=dict)  # node -> minutes levelling added


@dataclass
class _Ledger:
    """Each person's booked spans (working-minute offsets, never overlapping) and minutes per
    day. A person works from the start of their day up to their hours that day."""

    net: Network
    people: Mapping[str, Member]
    spans: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)
    booked: dict[str, dict[int, int]] = field(default_factory=dict)

    def capacity(self, person: str, day: int) -> int:
        member = self.people.get(person) or Member(person)
        return member.minutes_on(self.net.cal.day(day), self.net.cal)

    def place(self, person: str, ready: int, minutes: int) -> tuple[int, int]:
        """The earliest span from `ready` on that holds `minutes` of the person's work and
        overlaps none of their other tasks; booked, and returned as (start, finish)."""
        starts, ends = self.spans.setdefault(person, ([], []))  # sorted: spans never overlap
        start, k = ready, bisect.bisect_right(ends, ready)  # k: the first span ending later
        while True:
            # A gap shorter than the work cannot hold it: a person works at most all of it.
            while k < len(starts) and starts[k] - start < minutes:
                start, k = max(start, ends[k]), k + 1
            work = self._run(person, start, minutes)
            first, finish = work[0][0], work[-1][1]
            if k == len(starts) or starts[k] >= finish:
                break
            start, k = ends[k], k + 1  # after the task in the way, then try again
        booked = self.booked.setdefault(person, {})
        for a, b in work:
            day = a // self.net.cal.day_minutes
            booked[day] = booked.get(day, 0) + b - a
        k = bisect.bisect_left(starts, first)
        starts.insert(k, first)
        ends.insert(k, finish)
        return first, finish

    def _run(self, person: str, ready: int, minutes: int) -> list[tuple[int, int]]:
        """The stretches of each day the work would take, started at `ready`."""
        dm = self.net.cal.day_minutes
        day, pos, left, out = ready // dm, ready % dm, minutes, []
        while left > 0:
            if day - ready // dm > _HORIZON:
                raise MilestoneError(
                    f"{person} has no working hours left to take their tasks",
                    f"give them hours_per_week under {_FIELD} in {CONFIG_PATH}, or reassign",
                )
            take = min(self.capacity(person, day) - pos, left)
            if take > 0:
                out.append((day * dm + pos, day * dm + pos + take))
                left -= take
            day, pos = day + 1, 0
        return out


def level(net: Network, base: cpm.Cpm, people: Mapping[str, Member]) -> Levelled:
    g, ledger = net.graph, _Ledger(net, people)
    es, ef = [0] * len(g.nodes), [0] * len(g.nodes)
    waiting = [len(p) for p in g.preds]
    ready = [(base.total_float[i], base.es[i], i) for i in g.order if not waiting[i]]
    heapq.heapify(ready)
    while ready:
        _, _, i = heapq.heappop(ready)
        start = max((ef[p] for p in g.preds[i]), default=0)
        person = assignee(net, i)
        if person is None:
            es[i], ef[i] = start, start + net.durations[i]
        else:
            es[i], ef[i] = ledger.place(person, start, net.durations[i])
        for s in g.succs[i]:
            waiting[s] -= 1
            if not waiting[s]:
                heapq.heappush(ready, (base.total_float[s], base.es[s], s))
    return _result(net, base, es, ef, ledger.booked)


def _result(
    net: Network, base: cpm.Cpm, es: list[int], ef: list[int], booked: dict[str, Any]
) -> Levelled:
    """Latest dates and float by a backward pass over the levelled durations, with the
    deadlines: people are not re-levelled backwards (the usual approximation)."""
    g, finish = net.graph, max(ef, default=0)
    spans = [b - a for a, b in zip(es, ef, strict=True)]
    ls, lf = cpm.backward(g.order, g.succs, spans, finish, net.deadlines)
    total = [b - a for a, b in zip(es, ls, strict=True)]
    free = cpm.free_float(g.succs, es, ef, total, finish)
    delay = {i: a - b for i, (a, b) in enumerate(zip(es, base.es, strict=True)) if a > b}
    return Levelled(cpm.Cpm(es, ef, ls, lf, total, free, finish), booked, delay)


def needs_levelling(net: Network) -> bool:
    return any(assignee(net, i) for i in range(len(net.graph.nodes)))
