"""Risks as data: score = probability x impact (low 1, medium 2, high 3), alert levels from the
config, the probability x impact matrix and the alerts `status` shows. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitmilestone.core.model import Milestone
from gitmilestone.errors import MilestoneError

IMPACTS = ("low", "medium", "high")
IMPACT_SCORES: Mapping[str, int] = {"low": 1, "medium": 2, "high": 3}
LEVELS = ("high", "medium", "low")  # most severe first
RISK_STATUSES = ("open", "mitigated", "closed")
# Matrix rows, highest probability on top; a band holds probabilities from its low end up to
# (not including) its high end, except the top band, which includes 1.0.
BANDS = ((0.8, 1.0), (0.6, 0.8), (0.4, 0.6), (0.2, 0.4), (0.0, 0.2))


@dataclass(frozen=True)
class Thresholds:
    high: float = 0.9
    medium: float = 0.4

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> Thresholds:
        levels = (config.get("risks") or {}).get("alert_levels") or {}
        return cls(float(levels.get("high", 0.9)), float(levels.get("medium", 0.4)))

    def level(self, score: float | None) -> str | None:
        if score is None:
            return None
        if score >= self.high:
            return "high"
        return "medium" if score >= self.medium else "low"


@dataclass(frozen=True)
class Risk:
    milestone_id: str
    index: int  # position in the milestone's `risks` list
    id: str | None
    description: str
    probability: float | None = None
    impact: str | None = None
    mitigation: str | None = None
    owner: str | None = None
    status: str = "open"

    @classmethod
    def from_dict(cls, milestone_id: str, index: int, data: Mapping[str, Any]) -> Risk:
        prob = data.get("probability")
        return cls(
            milestone_id=milestone_id,
            index=index,
            id=str(data["id"]) if data.get("id") else None,
            description=str(data.get("description") or ""),
            probability=float(prob) if isinstance(prob, (int, float)) else None,
            impact=data.get("impact"),
            mitigation=data.get("mitigation") or None,
            owner=data.get("owner") or None,
            status=data.get("status") or "open",
        )

    @property
    def ref(self) -> str:
        """`M-001/R-002`, or `M-001/3` (its 1-based place) for a risk written without an id."""
        return f"{self.milestone_id}/{self.id or self.index + 1}"

    @property
    def score(self) -> float | None:
        weight = IMPACT_SCORES.get(self.impact or "")
        if self.probability is None or weight is None:
            return None
        return round(self.probability * weight, 4)

    @property
    def active(self) -> bool:
        return self.status != "closed"

    def as_dict(self, thresholds: Thresholds) -> dict[str, Any]:
        return {
            "ref": self.ref,
            "milestone": self.milestone_id,
            "id": self.id,
            "description": self.description,
            "probability": self.probability,
            "impact": self.impact,
            "score": self.score,
            "level": thresholds.level(self.score),
            "mitigation": self.mitigation,
            "owner": self.owner,
            "status": self.status,
        }


def risks_of(m: Milestone) -> list[Risk]:
    return [
        Risk.from_dict(m.id, i, r)
        for i, r in enumerate(m.raw.get("risks") or ())
        if isinstance(r, Mapping)
    ]


def all_risks(milestones: Iterable[Milestone]) -> list[Risk]:
    return [r for m in milestones for r in risks_of(m)]


def by_score(risks: Iterable[Risk]) -> list[Risk]:
    """Highest score first; unscored risks last; ties in plan order."""
    return sorted(risks, key=lambda r: -(r.score if r.score is not None else -1))


def level_rank(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else len(LEVELS)


def alerts(
    milestones: Iterable[Milestone], thresholds: Thresholds, minimum: str = "high"
) -> list[Risk]:
    """Open risks of active milestones at `minimum` level or above, most severe first."""
    if minimum not in LEVELS:
        return []
    found = [
        r
        for m in milestones
        if m.location == "active" and m.declared_status not in ("completed", "cancelled")
        for r in risks_of(m)
        if r.status == "open" and level_rank(thresholds.level(r.score) or "") <= level_rank(minimum)
    ]
    return by_score(found)


def band_label(band: tuple[float, float]) -> str:
    return f"{band[0]:.1f}-{band[1]:.1f}"


def band_of(probability: float) -> tuple[float, float]:
    return next(b for b in BANDS if b[0] <= probability < b[1] or probability == b[1] == 1.0)


def matrix(risks: Iterable[Risk]) -> dict[str, dict[str, list[str]]]:
    """Probability band -> impact -> refs of the active, assessed risks in that cell."""
    grid: dict[str, dict[str, list[str]]] = {band_label(b): {i: [] for i in IMPACTS} for b in BANDS}
    for r in risks:
        if r.active and r.probability is not None and r.impact in IMPACT_SCORES:
            grid[band_label(band_of(r.probability))][str(r.impact)].append(r.ref)
    return grid


def cell_level(band: tuple[float, float], impact: str, thresholds: Thresholds) -> str:
    """The alert level of a cell, judged at its band's midpoint."""
    middle = (band[0] + band[1]) / 2
    return thresholds.level(middle * IMPACT_SCORES[impact]) or "low"


def parse_probability(text: str | float) -> float:
    """`0.3` or `30%` -> 0.3; anything outside 0..1 is refused."""
    raw = str(text).strip()
    try:
        value = float(raw[:-1]) / 100 if raw.endswith("%") else float(raw)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= 1:  # also refuses NaN
        raise MilestoneError(
            f"probability '{raw}' is not between 0 and 1",
            "give a chance from 0 to 1 (e.g. 0.3) or a percentage (e.g. 30%)",
            field="probability",
        )
    return round(value, 4)


def exposure(risks: Iterable[Risk]) -> float:
    """Sum of the scores of the active risks: one figure to compare milestones by."""
    return round(sum(r.score or 0 for r in risks if r.active), 4)


def status_alerts(
    milestones: Iterable[Milestone], config: Mapping[str, Any]
) -> tuple[list[Risk], Thresholds]:
    """The alerts `status` shows, at the level `risks.status_alerts` names and above."""
    thresholds = Thresholds.from_config(config)
    minimum = (config.get("risks") or {}).get("status_alerts") or "high"
    return alerts(milestones, thresholds, minimum), thresholds
