"""How much work an item of the plan is: point estimates, PERT three-point estimates and the
share of it still to do."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmilestone.analysis.graph import START, Node, is_done
from gitmilestone.core.model import POINTS, Settings, phase_weights, task_progress
from gitmilestone.errors import MilestoneError


@dataclass(frozen=True)
class ThreePoint:
    optimistic: float
    most_likely: float
    pessimistic: float

    @property
    def expected(self) -> float:
        """PERT: TE = (O + 4M + P) / 6."""
        return (self.optimistic + 4 * self.most_likely + self.pessimistic) / 6

    @property
    def sigma(self) -> float:
        """PERT: sigma = (P - O) / 6."""
        return (self.pessimistic - self.optimistic) / 6


def three_point(node: Node) -> ThreePoint | None:
    """The item's optimistic/most likely/pessimistic hours when all three are given."""
    if node.task is not None:
        t = node.task
        values: Mapping[str, Any] = {
            "optimistic_hours": t.optimistic_hours,
            "most_likely_hours": t.most_likely_hours,
            "pessimistic_hours": t.pessimistic_hours,
        }
        where = f"tasks.{t.id}"
    else:
        values, where = node.milestone.raw.get("timeline") or {}, "timeline"
    if any(values.get(k) is None for k in POINTS):
        return None
    o, m, p = (float(values[k]) for k in POINTS)
    if not o <= m <= p:
        raise MilestoneError(
            f"three-point estimate {o:g}/{m:g}/{p:g} h is out of order",
            "optimistic_hours <= most_likely_hours <= pessimistic_hours",
            path=node.milestone.path,
            field=f"{where}.optimistic_hours",
        )
    return ThreePoint(o, m, p)


def planned_hours(node: Node) -> float | None:
    """Estimated hours, else the PERT expected time; None when there is no estimate at all.
    A milestone's 0 hours is the template's blank; a task's explicit 0 is a real zero."""
    hours = node.task.estimated_hours if node.task else node.milestone.estimated_hours
    if hours:
        return float(hours)
    points = three_point(node)
    if points:
        return points.expected
    return 0.0 if hours == 0 and node.task is not None else None


def left(node: Node, settings: Settings) -> float:
    """The share of the item still to do: 0 when done, else 1 less the task's progress."""
    if node.kind == START or is_done(node) or (node.task is None and node.milestone.tasks):
        return 0.0
    if node.task is None:
        return 1.0
    weights = phase_weights(node.milestone, settings)
    return max(0.0, 1 - task_progress(node.task, weights, settings.phases_enabled) / 100)


def normal_cdf(z: float) -> float:
    return 0.5 * (1 + math.erf(z / math.sqrt(2)))
