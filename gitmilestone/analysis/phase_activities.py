"""A phased task with `timeline.phase_timing` as consecutive activities in the schedule:
design -> spec -> task phase nodes run before the task's own node, which stands for its
execute phase, so the critical path shows which phase of a task holds the plan up.

phase_timing gives hours per phase (`design_hours: 4`) or shares (`design: 0.2`, read
relative to each other and applied to the task's estimate). A phase already completed,
approved or skipped takes no time; the others take their whole part."""

from __future__ import annotations

from typing import Any

from gitmilestone.analysis import effort
from gitmilestone.analysis.calendar import WorkCalendar
from gitmilestone.analysis.graph import PHASE, Graph, Node
from gitmilestone.core.model import PHASES, Settings

DONE = ("completed", "approved", "skipped")


def phase_hours(node: Node) -> dict[str, float] | None:
    """Hours per phase of a phased task whose timeline.phase_timing says how they split."""
    task = node.task
    if task is None or task.phases is None:
        return None
    timing = task.phase_timing
    if timing is None:
        return None
    hours = {p: _number(timing.get(f"{p}_hours")) for p in PHASES}
    if any(v > 0 for v in hours.values()):
        return hours
    shares = {p: _number(timing.get(p)) for p in PHASES}
    total, planned = sum(shares.values()), effort.planned_hours(node)
    if total <= 0 or not planned:
        return None
    return {p: planned * v / total for p, v in shares.items()}


def _number(value: Any) -> float:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
    return float(value) if ok else 0.0


def split(
    g: Graph, durations: list[int], cal: WorkCalendar, settings: Settings, default_buffer: float
) -> None:
    """Put design, spec and task phase nodes before each task that phase_timing splits
    (`durations`: working minutes per node, extended for the new nodes)."""
    for i in list(g.order):
        node = g.nodes[i]
        hours = phase_hours(node)
        if hours is None or not (node.task and node.task.phases is not None):
            continue
        m = node.milestone
        buffer = m.buffer_percentage if m.buffer_percentage is not None else default_buffer
        status = node.task.phases
        left = {
            p: 0 if status.get(p) in DONE or effort.left(node, settings) == 0 else hours[p]
            for p in PHASES
        }
        minutes = {p: cal.minutes(h * (1 + buffer / 100)) for p, h in left.items()}
        _insert(g, durations, i, minutes)


def _insert(g: Graph, durations: list[int], i: int, minutes: dict[str, int]) -> None:
    node = g.nodes[i]
    chain = []
    for p in PHASES[:-1]:
        j = g.add(Node(f"{node.key}:{p}", PHASE, node.milestone, node.task))
        durations.append(minutes[p])
        chain.append(j)
    for before in g.preds[i]:
        g.succs[before] = [chain[0] if s == i else s for s in g.succs[before]]
    g.preds[chain[0]], g.preds[i] = g.preds[i], []
    for a, b in zip(chain, [*chain[1:], i], strict=True):
        g.link(a, b)
    durations[i] = minutes[PHASES[-1]]
    at = g.order.index(i)
    g.order[at:at] = chain


def with_phases(g: Graph, i: int) -> list[int]:
    """Node `i` and the phase nodes that run before it, latest first."""
    chain = [i]
    while before := [q for q in g.preds[chain[-1]] if g.nodes[q].kind == PHASE]:
        chain.append(before[0])
    return chain
