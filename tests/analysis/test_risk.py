from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitmilestone.analysis.risk import (
    Risk,
    Thresholds,
    alerts,
    by_score,
    matrix,
    parse_probability,
    risks_of,
    status_alerts,
)
from gitmilestone.core.model import Milestone
from gitmilestone.errors import MilestoneError


def milestone(mid: str, risks: list[dict[str, Any]], location: str = "active") -> Milestone:
    data = {"schema_version": 1, "id": mid, "title": mid, "risks": risks}
    return Milestone.from_dict(data, path=f".milestones/{location}/{mid}.yaml", location=location)


def risk(rid: str, p: float | None, impact: str | None, **kw: Any) -> dict[str, Any]:
    return {"id": rid, "description": f"risk {rid}", "probability": p, "impact": impact, **kw}


@pytest.mark.parametrize(
    ("p", "impact", "score", "level"),
    [
        (0.3, "high", 0.9, "high"),  # the seed's external API risk
        (0.2, "medium", 0.4, "medium"),  # the seed's team capacity risk
        (0.29, "high", 0.87, "medium"),
        (0.19, "medium", 0.38, "low"),
        (1.0, "low", 1.0, "high"),
        (0.0, "high", 0.0, "low"),
    ],
)
def test_score_is_probability_times_impact_and_levels_follow_the_thresholds(
    p: float, impact: str, score: float, level: str
) -> None:
    r = Risk("M-001", 0, "R-001", "x", p, impact)

    assert r.score == score
    assert Thresholds().level(r.score) == level


def test_thresholds_come_from_the_config() -> None:
    strict = Thresholds.from_config({"risks": {"alert_levels": {"high": 0.5, "medium": 0.2}}})

    assert strict.level(0.6) == "high"
    assert strict.level(0.3) == "medium"
    assert Thresholds.from_config({}).level(0.6) == "medium"


def test_a_risk_without_probability_or_impact_has_no_score() -> None:
    assert Risk("M-001", 0, None, "x", None, "high").score is None
    assert Risk("M-001", 0, None, "x", 0.5, None).score is None
    assert Thresholds().level(None) is None


def test_a_risk_without_an_id_is_named_by_its_place() -> None:
    m = milestone("M-001", [risk("R-001", 0.1, "low"), {"description": "hand-written"}])

    assert [r.ref for r in risks_of(m)] == ["M-001/R-001", "M-001/2"]


@pytest.mark.parametrize(("text", "value"), [("0.3", 0.3), ("30%", 0.3), ("0", 0.0), ("1", 1.0)])
def test_probability_as_a_fraction_or_percentage(text: str, value: float) -> None:
    assert parse_probability(text) == value


@pytest.mark.parametrize("text", ["1.5", "-0.1", "150%", "likely", "nan", ""])
def test_probability_outside_0_to_1_is_refused(text: str) -> None:
    with pytest.raises(MilestoneError, match="not between 0 and 1") as err:
        parse_probability(text)
    assert err.value.hint


@given(st.floats(min_value=0, max_value=1))
def test_every_probability_in_range_is_accepted(p: float) -> None:
    assert abs(parse_probability(repr(p)) - p) < 1e-4


@given(st.floats(allow_nan=False).filter(lambda x: x < 0 or x > 1))
def test_every_probability_out_of_range_is_refused(p: float) -> None:
    with pytest.raises(MilestoneError):
        parse_probability(repr(p))


def test_matrix_places_active_risks_by_band_and_impact() -> None:
    m = milestone(
        "M-001",
        [
            risk("R-001", 0.3, "high"),
            risk("R-002", 0.2, "medium"),  # a band's low end belongs to it
            risk("R-003", 1.0, "low"),  # 1.0 is in the top band
            risk("R-004", 0.9, "high", status="closed"),  # closed: not shown
            risk("R-005", None, "high"),  # not assessed: not shown
        ],
    )

    grid = matrix(risks_of(m))

    assert grid["0.2-0.4"] == {"low": [], "medium": ["M-001/R-002"], "high": ["M-001/R-001"]}
    assert grid["0.8-1.0"] == {"low": ["M-001/R-003"], "medium": [], "high": []}
    assert sum(len(c) for row in grid.values() for c in row.values()) == 3


def test_alerts_are_open_risks_of_active_milestones_at_or_above_the_level() -> None:
    active = milestone(
        "M-001",
        [
            risk("R-001", 0.2, "medium"),
            risk("R-002", 0.5, "high"),
            risk("R-003", 0.9, "high", status="mitigated"),
            risk("R-004", 0.9, "high", status="closed"),
        ],
    )
    done = milestone("M-002", [risk("R-005", 1.0, "high")], location="completed")

    high = alerts([active, done], Thresholds(), "high")
    medium = alerts([active, done], Thresholds(), "medium")

    assert [r.ref for r in high] == ["M-001/R-002"]
    assert [r.ref for r in medium] == ["M-001/R-002", "M-001/R-001"]
    assert alerts([active], Thresholds(), "none") == []


def test_status_alerts_follow_the_config_level() -> None:
    m = milestone("M-001", [risk("R-001", 0.2, "medium")])

    assert status_alerts([m], {})[0] == []
    found, _ = status_alerts([m], {"risks": {"status_alerts": "medium"}})
    assert [r.ref for r in found] == ["M-001/R-001"]


def test_by_score_puts_unscored_risks_last() -> None:
    m = milestone("M-001", [risk("R-001", None, None), risk("R-002", 0.1, "low")])

    assert [r.id for r in by_score(risks_of(m))] == ["R-002", "R-001"]
