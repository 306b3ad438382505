from __future__ import annotations

import math

import pytest

from gitmilestone.analysis import pert
from gitmilestone.analysis.effort import ThreePoint
from gitmilestone.errors import MilestoneError
from tests.analysis.plans import milestone, network, task


def test_expected_time_and_sigma() -> None:
    points = ThreePoint(2, 4, 12)

    assert points.expected == 5  # (2 + 16 + 12) / 6
    assert points.sigma == pytest.approx(10 / 6)


def _three(tid: str, o: float, m: float, p: float, deps: tuple[str, ...] = ()) -> object:
    return task(
        tid,
        hours=None,
        deps=deps,
        optimistic_hours=o,
        most_likely_hours=m,
        pessimistic_hours=p,
    )


def test_probability_of_a_chain_matches_the_normal_closed_form() -> None:
    a, b = _three("a", 2, 4, 12), _three("b", 4, 8, 12, ("a",))
    net = network([milestone("M-001", tasks=(a, b), estimated_end="2026-11-03")])  # type: ignore[arg-type]
    odds = pert.analyse(net)[net.graph.index["M-001"]]

    sigma_minutes = math.sqrt((10 / 6) ** 2 + (8 / 6) ** 2) * 60
    assert odds.expected == 13 * 60
    assert odds.sigma == pytest.approx(sigma_minutes)
    expected = 0.5 * (1 + math.erf((960 - 780) / sigma_minutes / math.sqrt(2)))
    assert odds.probability == pytest.approx(expected)
    assert pert.as_dict(net, odds) == {
        "expected_finish": "2026-11-03",
        "expected_days": 1.62,
        "sigma_days": 0.27,
        "probability_on_time": round(expected, 4),
    }


def test_ties_take_the_more_uncertain_path() -> None:
    sure = task("sure", hours=8)
    unsure = _three("unsure", 2, 8, 14)
    end = task("end", hours=0, deps=("sure", "unsure"))
    net = network([milestone("M-001", tasks=(sure, unsure, end), estimated_end="2026-11-02")])  # type: ignore[arg-type]
    odds = pert.analyse(net)[net.graph.index["M-001"]]

    assert odds.sigma == pytest.approx(2 * 60)
    assert odds.probability == pytest.approx(0.5)


def test_no_three_point_estimates_no_odds() -> None:
    net = network([milestone("M-001", hours=8, estimated_end="2026-11-30")])

    assert pert.analyse(net) == {}


def test_out_of_order_points_are_an_error() -> None:
    net_input = [milestone("M-001", tasks=(_three("a", 9, 4, 12),))]  # type: ignore[arg-type]
    with pytest.raises(MilestoneError) as err:
        network(net_input)
    assert err.value.field == "tasks.a.optimistic_hours"
    assert "out of order" in err.value.message


def test_milestone_three_points_apply_to_a_milestone_without_tasks() -> None:
    timeline = {"optimistic_hours": 8, "most_likely_hours": 8, "pessimistic_hours": 20}
    ms = [milestone("M-001", raw={"timeline": timeline}, estimated_end="2026-11-03")]
    net = network(ms, hours_per_day=6)  # the deadline is 12 working hours away
    odds = pert.analyse(net)[0]

    assert odds.expected == 10 * 60 and odds.sigma == 2 * 60
    assert odds.probability == pytest.approx(0.8413, abs=1e-4)  # one sigma of room
