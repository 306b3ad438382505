"""The critical path solved milestone by milestone: each milestone's own network alone (its
part, kept with its card by commands/plancards.py), then the small network of milestones.

It gives what solving the whole activity network gives (schedule.build, then the chain of
schedule.critical_path): a milestone meets the rest of the plan at two nodes only, its gate
(where what it requires ends) and its finish, as long as its tasks depend on tasks of their own
milestone alone. Solved alone with its entry at time 0 and its finish as the only sink, every
earliest time moves by when the milestone can start, and every latest time by when its finish
must be done: two numbers the milestones' network gives. Ties break by schedule.Ranks,
which follows from the plan alone. tests/analysis/test_twolevel.py compares both on random
plans.

Where a task depends on another milestone's task, or a milestone's own network cannot be built,
there is no part (None); where the plan has a cycle, an unknown or a duplicate ID, `solve` gives
None: the whole network is solved then, which also words the error.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gitmilestone.analysis.calendar import WorkCalendar
    from gitmilestone.analysis.graph import Graph
    from gitmilestone.core.model import Milestone, Settings

GATE = -1  # the gate of a milestone, in a walk: it is not among the milestone's own nodes
NO_RANK = (0, 0, 0)  # the gate's rank within its milestone (schedule.Ranks: first)

# A part, as plain lists (kept by marshal): [requires, span, entry_ls, due, gate, closed,
# finish, least, best_ef, best_rank], and its nodes, read only by a walk along the chain:
# [rank, es, ef, ls, eligible, preds, after_gate]. Times are working minutes from the
# milestone's entry, whatever the day: `due` (the date its finish must be done by, where it
# has one) becomes minutes from today only in `solve`, so a part holds across days.
Part = list[Any]
Nodes = list[list[Any]]
REQUIRES, SPAN, ENTRY_LS, DUE, GATED, CLOSED, FINISH, LEAST, BEST_EF, BEST_RANK = range(10)
RANK, ES, EF, LS, OPEN, PREDS, AFTER_GATE = range(7)


def part(
    m: Milestone, cal: WorkCalendar, settings: Settings, buffer: float
) -> tuple[Part, Nodes] | None:
    """Milestone `m` solved alone; None where it cannot be solved apart from the plan."""
    # Imported here: solving the milestones' network (`solve`) needs none of this code.
    from gitmilestone.analysis import cpm, graph, schedule
    from gitmilestone.errors import MilestoneError

    if any(_elsewhere(m, dep) for t in m.tasks for dep in t.dependencies):
        return None
    try:
        net = schedule.build([replace(m, requires=())], cal, settings, buffer)
    except MilestoneError:
        return None  # the whole network words it
    g = net.graph
    solved = cpm.solve(g.order, g.preds, g.succs, net.durations, {})  # the only sink: finish
    rank = schedule.Ranks(g)
    ranks = [rank(i)[1:] for i in range(len(g.nodes))]
    gated = _gate_succs(g, m)
    es, ef, ls, open_ = solved.es, solved.ef, solved.ls, [not graph.is_done(n) for n in g.nodes]
    nodes = [
        [ranks[i], es[i], ef[i], ls[i], open_[i], g.preds[i], i in gated]
        for i in range(len(g.nodes))
    ]
    gate, closed = bool(m.tasks and m.requires), graph.is_closed(m)
    entry_ls = min(solved.ls)  # the gate's latest start: that of the earliest work after it
    least, best_ef, best_rank = _best_end(nodes, entry_ls if gate and not closed else None)
    finish = g.index[m.id]
    requires = list(dict.fromkeys(m.requires))  # a repeated entry is one edge
    due = m.estimated_end if finish in net.deadlines else None
    head = [requires, solved.ef[finish], entry_ls, due, gate, closed]
    return [*head, finish, least, best_ef, best_rank], nodes


def _elsewhere(m: Milestone, dep: str) -> bool:
    return "/" in dep and dep.split("/", 1)[0] != m.id


def _gate_succs(g: Graph, m: Milestone) -> set[int]:
    """Where the gate would lead: each task, or its first phase where the task is split."""
    from gitmilestone.core.model import PHASES

    keys = [f"{m.id}/{t.id}" for t in m.tasks]
    first = [g.index.get(f"{k}:{PHASES[0]}", g.index[k]) for k in keys]
    return set(first)


def _best_end(nodes: Nodes, gate_ls: int | None) -> tuple[int | None, int, list[int]]:
    """The least slack of the milestone's open nodes (None: none is open), and the finish
    and rank of the one the chain would end at among them: it finishes last, ranks last."""
    ends = [(n[LS] - n[ES], n[EF], tuple(n[RANK])) for n in nodes if n[OPEN]]
    if gate_ls is not None:
        ends.append((gate_ls, 0, NO_RANK))
    if not ends:
        return None, 0, list(NO_RANK)
    least = min(e[0] for e in ends)
    best = max(e[1:] for e in ends if e[0] == least)
    return least, best[0], list(best[1])


def solve(
    ids: Sequence[str],
    parts: Sequence[Part | None],
    nodes_of: Callable[[int], Nodes],
    cal: WorkCalendar,
) -> tuple[list[str], int] | None:
    """(the critical path's milestone IDs in order, the plan's finish in working minutes
    from `cal`'s start); `nodes_of(i)` gives milestone i's nodes. None: solve the whole
    network instead."""
    from gitmilestone.analysis.calendar import parse_date

    net = _milestones(ids, parts)
    if net is None:
        return None
    plan, requires, order, succs = net
    due = [None if p[DUE] is None else cal.deadline(parse_date(p[DUE], "")) for p in plan]
    times = _times(plan, requires, order, succs, due)
    return Walk(plan, requires, times, nodes_of).chain(ids), max(times[1], default=0)


def _milestones(
    ids: Sequence[str], parts: Sequence[Part | None]
) -> tuple[list[Part], list[list[int]], list[int], list[list[int]]] | None:
    """The milestones' network: what each requires, by position, a topological order and
    what each leads to. None for a duplicate ID, an unknown one, or a cycle."""
    plan = [p for p in parts if p is not None]
    if len(plan) < len(parts) or len(set(ids)) < len(ids):
        return None
    index = {mid: i for i, mid in enumerate(ids)}
    if any(r not in index for p in plan for r in p[REQUIRES]):
        return None
    requires = [[index[r] for r in p[REQUIRES]] for p in plan]
    succs: list[list[int]] = [[] for _ in ids]
    for i, reqs in enumerate(requires):
        for r in reqs:
            succs[r].append(i)
    from gitmilestone.analysis.graph import topological

    order, _ = topological(requires, succs)
    return (plan, requires, order, succs) if len(order) == len(plan) else None


Times = tuple[list[int], list[int], list[int]]  # per milestone: entry, finish EF, shift


def _times(
    plan: list[Part],
    requires: list[list[int]],
    order: list[int],
    succs: list[list[int]],
    due: list[int | None],
) -> Times:
    """When each milestone can start (its entry), when it ends, and how far its latest times
    lie from its own (`shift`: its finish's latest finish less its span)."""
    entry, done = [0] * len(plan), [0] * len(plan)
    for i in order:
        entry[i] = max((done[r] for r in requires[i]), default=0)
        done[i] = entry[i] + plan[i][SPAN]
    finish = max(done, default=0)
    shift, latest_entry = [0] * len(plan), [0] * len(plan)
    for i in reversed(order):
        latest = min((latest_entry[s] for s in succs[i]), default=finish)
        deadline = due[i]
        if deadline is not None:
            latest = min(latest, deadline)
        shift[i] = latest - plan[i][SPAN]
        latest_entry[i] = shift[i] + plan[i][ENTRY_LS]
    return entry, done, shift


At = tuple[int, int]  # (milestone, node of it or GATE)


class Walk:
    """The chain of cpm.chain over the milestones' network: the same end and the same steps
    back, reading a milestone's nodes only when the walk enters it."""

    def __init__(
        self,
        plan: list[Part],
        requires: list[list[int]],
        times: Times,
        nodes_of: Callable[[int], Nodes],
    ) -> None:
        self.plan, self.requires, self.times, self.nodes_of = plan, requires, times, nodes_of
        self.loaded: dict[int, Nodes] = {}
        entry, _, shift = times
        self.slack = [
            None if p[LEAST] is None else shift[i] - entry[i] + p[LEAST] for i, p in enumerate(plan)
        ]
        # Nothing open anywhere: no chain (as cpm.chain, which wants a float of 0 or less).
        self.least = min((s for s in self.slack if s is not None), default=1)

    def chain(self, ids: Sequence[str]) -> list[str]:
        if self.least > 0:
            return []
        entry = self.times[0]
        end = max(
            (i for i, s in enumerate(self.slack) if s == self.least),
            key=lambda i: (entry[i] + self.plan[i][BEST_EF], (i, *self.plan[i][BEST_RANK])),
        )
        at: At | None = (end, self._node(end, tuple(self.plan[end][BEST_RANK])))
        path: list[At] = []
        while at is not None:
            path.append(at)
            at = self._step(at)
        return list(dict.fromkeys(ids[i] for i, n in reversed(path) if n != GATE))

    def _node(self, i: int, rank: tuple[int, ...]) -> int:
        if rank == NO_RANK:
            return GATE
        return next(n for n, node in enumerate(self._nodes(i)) if tuple(node[RANK]) == rank)

    def _nodes(self, i: int) -> Nodes:
        if i not in self.loaded:
            self.loaded[i] = self.nodes_of(i)
        return self.loaded[i]

    def _values(self, at: At) -> tuple[int, int, int, bool, tuple[int, ...]]:
        """(es, ef, total float, eligible, rank) of a node in the whole plan's times."""
        i, n = at
        entry, _, shift = self.times
        if n == GATE:
            latest = shift[i] + self.plan[i][ENTRY_LS]
            closed = self.plan[i][CLOSED]
            return entry[i], entry[i], latest - entry[i], not closed, (i, *NO_RANK)
        rank, es, ef, ls, eligible, _, _ = self._nodes(i)[n]
        start = entry[i] + es
        return start, entry[i] + ef, shift[i] + ls - start, eligible, (i, *rank)

    def _step(self, at: At) -> At | None:
        """The predecessor that drives `at`'s start and shares the least float, the first
        ranked; None where the chain begins."""
        es = self._values(at)[0]
        found = []
        for p in self._preds(at):
            _, ef, total, eligible, rank = self._values(p)
            if ef == es and total == self.least and eligible:
                found.append((rank, p))
        return min(found)[1] if found else None

    def _preds(self, at: At) -> list[At]:
        i, n = at
        gated = self.plan[i][GATED]
        if n == GATE or (not gated and not self._nodes(i)[n][PREDS]):
            return [(r, self.plan[r][FINISH]) for r in self.requires[i]]  # finishes it waits for
        node = self._nodes(i)[n]
        return [(i, q) for q in node[PREDS]] + ([(i, GATE)] if node[AFTER_GATE] and gated else [])
