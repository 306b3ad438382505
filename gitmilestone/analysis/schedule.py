"""The plan as an activity network on the working calendar, solved by CPM: earliest and latest
dates for every milestone and task from a start date, float, slips against estimated_end, and
what moves when something slips.

Durations are the remaining work: estimated hours (the PERT expected time where only the three
points are given) plus the milestone's buffer_percentage, less the progress made; completed
tasks and closed milestones take no time. Deadlines are each milestone's estimated_end."""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from gitmilestone.analysis import cpm, effort, graph, phase_activities
from gitmilestone.analysis.calendar import WorkCalendar, parse_date
from gitmilestone.analysis.graph import MILESTONE, PHASE, START, TASK, Graph, Node
from gitmilestone.core.model import PHASES, Milestone, Settings
from gitmilestone.errors import MilestoneError

_DELAY_RE = re.compile(r"^(?P<ref>[^+\s]+)\s*\+\s*(?P<amount>\d+(?:\.\d+)?)(?P<unit>[dhw])$")


@dataclass
class Network:
    graph: Graph
    cal: WorkCalendar
    settings: Settings
    durations: list[int]  # remaining working minutes per node
    deadlines: dict[int, int] = field(default_factory=dict)
    unestimated: list[str] = field(default_factory=list)

    def solve(self) -> cpm.Cpm:
        g = self.graph
        return cpm.solve(g.order, g.preds, g.succs, self.durations, self.deadlines)


def build(
    milestones: Sequence[Milestone],
    cal: WorkCalendar,
    settings: Settings,
    default_buffer: float = 0,
) -> Network:
    g = graph.build(milestones)
    net = Network(g, cal, settings, [0] * len(g.nodes))
    for i, node in enumerate(g.nodes):
        net.durations[i] = _duration(net, node, default_buffer)
        deadline = _deadline(cal, node)
        if deadline is not None:
            net.deadlines[i] = deadline
    phase_activities.split(g, net.durations, cal, settings, default_buffer)
    return net


def _duration(net: Network, node: Node, default_buffer: float) -> int:
    share = effort.left(node, net.settings)
    if share == 0:
        return 0
    hours = effort.planned_hours(node)
    if hours is None:
        net.unestimated.append(node.label)
        return 0
    m = node.milestone
    buffer = m.buffer_percentage if m.buffer_percentage is not None else default_buffer
    return net.cal.minutes(hours * (1 + buffer / 100) * share)


def _deadline(cal: WorkCalendar, node: Node) -> int | None:
    m = node.milestone
    if node.kind != MILESTONE or not m.estimated_end or graph.is_closed(m):
        return None
    return cal.deadline(parse_date(m.estimated_end, "timeline.estimated_end", m.path))


# -- reading the result ------------------------------------------------------------------------


def items(
    net: Network, result: cpm.Cpm, only: Collection[int] | None = None
) -> list[dict[str, Any]]:
    """Every milestone and task (or those of `only`) with its dates and float, in topological
    order, as JSON."""
    order = net.graph.order if only is None else [i for i in net.graph.order if i in only]
    return [_item(net, result, i) for i in order if net.graph.nodes[i].kind != START]


def _item(net: Network, r: cpm.Cpm, i: int) -> dict[str, Any]:
    """Critical: open and without float (zero, or negative when a deadline cannot be met)."""
    node, cal = net.graph.nodes[i], net.cal
    done = graph.is_done(node)
    out: dict[str, Any] = {
        "id": node.label,
        "kind": node.kind,
        "milestone": node.milestone.id,
        "title": node.title,
        "done": done,
        "duration_days": cal.days(net.durations[i]),
        "es": cal.days(r.es[i]),
        "ef": cal.days(r.ef[i]),
        "ls": cal.days(r.ls[i]),
        "lf": cal.days(r.lf[i]),
        "total_float": cal.days(r.total_float[i]),
        "free_float": cal.days(r.free_float[i]),
        "critical": not done and r.total_float[i] <= 0,
        "behind": not done and r.total_float[i] < 0,
    }
    out |= _dates(net, r, i, done)
    return out


def _dates(net: Network, r: cpm.Cpm, i: int, done: bool) -> dict[str, Any]:
    node, cal = net.graph.nodes[i], net.cal
    dates: dict[str, Any] = dict.fromkeys(("start", "finish", "latest_start", "latest_finish"))
    if not done:
        dates["finish"] = cal.finish_date(r.es[i], r.ef[i]).isoformat()
        first = _first_start(net, r, i)
        # A zero-length item (a milestone marker) happens when what it waits for ends.
        dates["start"] = dates["finish"] if first == r.ef[i] else cal.start_date(first).isoformat()
        dates["latest_finish"] = cal.finish_date(r.ls[i], r.lf[i]).isoformat()
        zero = r.ls[i] == r.lf[i]
        dates["latest_start"] = (
            dates["latest_finish"] if zero else cal.start_date(r.ls[i]).isoformat()
        )
    deadline = None if done else net.deadlines.get(i)
    dates["deadline"] = node.milestone.estimated_end if node.kind == MILESTONE else None
    dates["slip_days"] = cal.days(r.ef[i] - deadline) if deadline is not None else None
    return dates


def _first_start(net: Network, r: cpm.Cpm, i: int) -> int:
    """A milestone with tasks starts when its first open task does."""
    node = net.graph.nodes[i]
    if node.kind != MILESTONE or not node.milestone.tasks:
        return r.es[i]
    g = net.graph
    tasks = [p for p in g.preds[i] if g.nodes[p].kind == TASK]
    work = [q for p in tasks for q in phase_activities.with_phases(g, p)]
    starts = [r.es[q] for q in work if net.durations[q] > 0]
    return min(starts, default=r.es[i])


def critical_path(net: Network, result: cpm.Cpm) -> list[int]:
    """The chain of open items with the least float (zero, or negative when behind)."""
    eligible = [not graph.is_done(n) for n in net.graph.nodes]
    path = cpm.chain(result, net.graph.preds, eligible, Ranks(net.graph))
    return [i for i in path if net.graph.nodes[i].kind != START]


Rank = tuple[int, int, int, int]


class Ranks:
    """Each item's place for breaking ties: its milestone's place in the plan; in it, the
    gate first, then the tasks in file order (each after its phases), the finish last. It
    follows from the plan alone, not from how the network was walked, so a plan solved
    milestone by milestone (analysis/twolevel.py) breaks ties the same way. Worked out for
    the items that tie only: a plan has tens of thousands of items and few ties."""

    def __init__(self, g: Graph) -> None:
        self.g = g
        self._places: dict[int, int] = {}
        self._tasks: dict[int, dict[str, int]] = {}

    def __call__(self, i: int) -> Rank:
        n = self.g.nodes[i]
        place = self._place(n.milestone)
        if n.kind == START:
            return (place, 0, 0, 0)
        if n.kind == MILESTONE or n.task is None:
            return (place, 2, 0, 0)
        tasks = self._tasks.get(id(n.milestone))
        if tasks is None:
            tasks = self._tasks[id(n.milestone)] = {
                t.id: k for k, t in enumerate(n.milestone.tasks)
            }
        phase = n.key.rpartition(":")[2] if n.kind == PHASE else ""
        step = PHASES.index(phase) if phase in PHASES else len(PHASES)
        return (place, 1, tasks.get(n.task.id, 0), step)

    def _place(self, m: Milestone) -> int:
        if not self._places:  # nodes come milestone by milestone, in the plan's order
            for n in self.g.nodes:
                self._places.setdefault(id(n.milestone), len(self._places))
        return self._places[id(m)]


def chain_items(
    net: Network, result: cpm.Cpm, rows: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The critical path as rows of `items`."""
    by_id = {r["id"]: r for r in rows}
    return [by_id[net.graph.nodes[i].label] for i in critical_path(net, result)]


def summary(net: Network, result: cpm.Cpm) -> dict[str, Any]:
    cal = net.cal
    finish = result.finish
    return {
        "from": cal.start.isoformat(),
        "calendar": cal.describe(),
        "finish": cal.finish_date(0, finish).isoformat() if finish else None,
        "duration_days": cal.days(finish),
        "unestimated": list(net.unestimated),
    }


# -- what if ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Delay:
    ref: str
    node: int
    minutes: int
    text: str


def parse_delay(net: Network, text: str) -> Delay:
    """`M-002+5d`, `M-002/task-003+16h`, `M-004+1w`: extra working time for one item."""
    match = _DELAY_RE.match(text.strip())
    if not match:
        raise MilestoneError(
            f"--what-if '{text}' is not ITEM+AMOUNT",
            "write e.g. M-002+5d (working days), M-002/task-003+16h (hours) or M-004+1w",
        )
    node = resolve(net.graph, match["ref"])
    amount, unit = float(match["amount"]), match["unit"]
    days = {"d": amount, "w": amount * len(net.cal.weekdays), "h": amount / net.cal.hours_per_day}
    label = net.graph.nodes[node].label
    if graph.is_done(net.graph.nodes[node]):
        raise MilestoneError(
            f"{label} is already done: it cannot slip",
            "name an open milestone or task (`git milestone schedule` lists them)",
        )
    return Delay(label, node, round(days[unit] * net.cal.day_minutes), text.strip())


def resolve(g: Graph, ref: str) -> int:
    """A milestone or `M-ID/task-id`, IDs exact or shortened to a unique prefix."""
    if ref in g.index and g.nodes[g.index[ref]].kind != START:
        return g.index[ref]
    mref, _, tref = ref.partition("/")
    kind = TASK if tref else MILESTONE
    found = [
        i
        for i, n in enumerate(g.nodes)
        if n.kind == kind
        and _matches(n.milestone.id, mref)
        and (not tref or _matches(n.task.id if n.task else "", tref))
    ]
    if len(found) != 1:
        what = "is ambiguous" if found else "is not a milestone or task of the plan"
        raise MilestoneError(
            f"'{ref}' {what}", "write M-ID or M-ID/task-id (`git milestone list` shows IDs)"
        )
    return found[0]


def _matches(full: str, ref: str) -> bool:
    return full == ref or full.startswith(ref + "-")


def delayed(net: Network, delays: Sequence[Delay]) -> Network:
    durations = list(net.durations)
    for d in delays:
        durations[d.node] += d.minutes
    return replace(net, durations=durations)


def moved(net: Network, before: cpm.Cpm, after: cpm.Cpm) -> list[dict[str, Any]]:
    """The items whose earliest finish moved, with the dates before and after."""
    cal, out = net.cal, []
    for i in net.graph.order:
        node = net.graph.nodes[i]
        if node.kind == START or after.ef[i] == before.ef[i]:
            continue
        deadline = net.deadlines.get(i)
        out.append(
            {
                "id": node.label,
                "kind": node.kind,
                "title": node.title,
                "finish_before": cal.finish_date(before.es[i], before.ef[i]).isoformat(),
                "finish_after": cal.finish_date(after.es[i], after.ef[i]).isoformat(),
                "moved_days": cal.days(after.ef[i] - before.ef[i]),
                "slip_days": cal.days(after.ef[i] - deadline) if deadline is not None else None,
            }
        )
    return out
