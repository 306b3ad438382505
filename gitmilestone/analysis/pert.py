"""PERT: where optimistic/most likely/pessimistic hours are given, the expected finish of each
milestone, its standard deviation, and the probability of meeting its estimated_end.

The network is solved again with TE = (O + 4M + P)/6 for every item that has three points (no
buffer: the spread is the buffer) and the CPM duration for the rest (sigma 0). A milestone's
finish is normal with the mean of that forward pass and the variance summed along the path
that drives it (the classic PERT assumption: that path dominates)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis import cpm, effort
from gitmilestone.analysis.graph import MILESTONE

if TYPE_CHECKING:
    from gitmilestone.analysis.schedule import Network


@dataclass(frozen=True)
class Odds:
    expected: int  # working minutes from the start
    sigma: float  # working minutes
    deadline: int | None

    @property
    def probability(self) -> float | None:
        """P(finish <= deadline); None without a deadline or without any spread."""
        if self.deadline is None or self.sigma == 0:
            return None
        return effort.normal_cdf((self.deadline - self.expected) / self.sigma)


def durations(net: Network) -> tuple[list[int], list[float], bool]:
    """TE where three points are given, else the CPM duration; the variances; any PERT data."""
    means, variances, found = list(net.durations), [0.0] * len(net.durations), False
    for i, node in enumerate(net.graph.nodes):
        points = effort.three_point(node)
        share = effort.left(node, net.settings)
        if points is None or share == 0:
            continue
        found = True
        means[i] = net.cal.minutes(points.expected * share)
        variances[i] = (points.sigma * share * 60) ** 2
    return means, variances, found


def analyse(net: Network) -> dict[int, Odds]:
    """Odds for every milestone, keyed by its finish node; empty when the plan has no
    three-point estimates."""
    means, variances, found = durations(net)
    if not found:
        return {}
    g = net.graph
    es, ef = cpm.forward(g.order, g.preds, means)
    path_var = [0.0] * len(means)
    for i in g.order:
        drivers = [p for p in g.preds[i] if ef[p] == es[i]]
        # Ties: the most uncertain driving path, so the odds are not flattered.
        path_var[i] = variances[i] + max((path_var[p] for p in drivers), default=0.0)
    return {
        i: Odds(ef[i], math.sqrt(path_var[i]), net.deadlines.get(i))
        for i, n in enumerate(g.nodes)
        if n.kind == MILESTONE
    }


def as_dict(net: Network, odds: Odds) -> dict[str, Any]:
    cal = net.cal
    p = odds.probability
    return {
        "expected_finish": cal.finish_date(0, odds.expected).isoformat() if odds.expected else None,
        "expected_days": cal.days(odds.expected),
        "sigma_days": round(odds.sigma / cal.day_minutes, 2),
        "probability_on_time": round(p, 4) if p is not None else None,
    }


def by_milestone(net: Network) -> dict[str, dict[str, Any]]:
    """The odds of every milestone as `--json` prints them, keyed by milestone ID."""
    return {net.graph.nodes[i].label: as_dict(net, o) for i, o in analyse(net).items()}
