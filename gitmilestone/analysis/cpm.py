"""The critical path method over any activity network given as adjacency lists in topological
order: forward pass (earliest start/finish), backward pass (latest start/finish, with deadlines),
total and free float. One visit per node and per edge, so it is linear in nodes plus edges.
Times are integers (working minutes), so float is exact and "zero float" needs no tolerance."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Cpm:
    es: list[int]
    ef: list[int]
    ls: list[int]
    lf: list[int]
    total_float: list[int]
    free_float: list[int]
    finish: int  # the project's earliest finish: the largest EF


def solve(
    order: Sequence[int],
    preds: Sequence[Sequence[int]],
    succs: Sequence[Sequence[int]],
    durations: Sequence[int],
    deadlines: Mapping[int, int] | None = None,
) -> Cpm:
    """`deadlines` maps a node to the latest finish allowed; a deadline earlier than the work
    allows gives negative float on every item that leads to it."""
    es, ef = forward(order, preds, durations)
    finish = max(ef, default=0)
    ls, lf = backward(order, succs, durations, finish, deadlines or {})
    total = [b - a for a, b in zip(es, ls, strict=True)]
    free = free_float(succs, es, ef, total, finish)
    return Cpm(es, ef, ls, lf, total, free, finish)


def forward(
    order: Sequence[int], preds: Sequence[Sequence[int]], durations: Sequence[int]
) -> tuple[list[int], list[int]]:
    es = [0] * len(durations)
    ef = [0] * len(durations)
    for i in order:
        start = max((ef[p] for p in preds[i]), default=0)
        es[i] = start
        ef[i] = start + durations[i]
    return es, ef


def backward(
    order: Sequence[int],
    succs: Sequence[Sequence[int]],
    durations: Sequence[int],
    finish: int,
    deadlines: Mapping[int, int],
) -> tuple[list[int], list[int]]:
    ls = [0] * len(durations)
    lf = [0] * len(durations)
    for i in reversed(order):
        latest = min((ls[s] for s in succs[i]), default=finish)
        if i in deadlines:
            latest = min(latest, deadlines[i])
        lf[i] = latest
        ls[i] = latest - durations[i]
    return ls, lf


def free_float(
    succs: Sequence[Sequence[int]],
    es: Sequence[int],
    ef: Sequence[int],
    total: Sequence[int],
    finish: int,
) -> list[int]:
    """How far an item can slip before any successor's earliest start moves (for the last
    items: before the project finish). Never more than its total float, never below zero."""
    out = []
    for i, nexts in enumerate(succs):
        room = min((es[s] for s in nexts), default=finish) - ef[i]
        out.append(max(0, min(room, total[i])))
    return out


def chain(
    cpm: Cpm,
    preds: Sequence[Sequence[int]],
    eligible: Sequence[bool],
    rank: Callable[[int], Any],
) -> list[int]:
    """The critical chain: from the eligible item of least total float that finishes last,
    back through the predecessors that drive its start and share that float. Ties go by
    `rank(item)` (a sortable key, asked of the items that tie only): the last ranked ends
    the chain, the first ranked leads into it."""
    candidates = [i for i in range(len(eligible)) if eligible[i]]
    if not candidates:
        return []
    least = min(cpm.total_float[i] for i in candidates)
    if least > 0:
        return []
    ends = [i for i in candidates if cpm.total_float[i] == least]
    last = max(cpm.ef[i] for i in ends)
    end = max((i for i in ends if cpm.ef[i] == last), key=rank)
    path = [end]
    while True:
        cur = path[-1]
        nxt = [
            p
            for p in preds[cur]
            if cpm.ef[p] == cpm.es[cur] and cpm.total_float[p] == least and eligible[p]
        ]
        if not nxt:
            return path[::-1]
        path.append(min(nxt, key=rank))
