from __future__ import annotations

import datetime as dt

import pytest

from gitmilestone.analysis import schedule
from gitmilestone.errors import MilestoneError
from tests.analysis.plans import by_id, milestone, network, task


def test_buffer_and_hours_per_day_make_the_duration() -> None:
    ms = [milestone("M-001", buffer=25, tasks=(task("a", hours=12),))]

    assert by_id(network(ms))["M-001/a"]["duration_days"] == 1.88  # 12 h * 1.25 / 8 h
    assert by_id(network(ms, hours_per_day=6))["M-001/a"]["duration_days"] == 2.5


def test_remaining_work_only() -> None:
    ms = [
        milestone(
            "M-001",
            tasks=(
                task("done", status="completed"),
                task("half", status="in_progress", progress=50),
                task("todo"),
            ),
        )
    ]
    rows = by_id(network(ms))

    assert rows["M-001/done"]["duration_days"] == 0 and rows["M-001/done"]["done"]
    assert rows["M-001/done"]["start"] is None
    assert rows["M-001/half"]["duration_days"] == 0.5
    assert rows["M-001/todo"]["duration_days"] == 1


def test_a_closed_milestone_takes_no_time() -> None:
    ms = [
        milestone("M-001", hours=80, location="completed"),
        milestone("M-002", hours=8, requires=("M-001",)),
    ]
    rows = by_id(network(ms))

    assert rows["M-001"]["done"]
    assert rows["M-002"]["start"] == "2026-11-02"


def test_dates_skip_weekends_and_holidays() -> None:
    ms = [
        milestone("M-001", hours=24),  # three days: Thu, Fri, (weekend), Tue after the holiday
        milestone("M-002", hours=8, requires=("M-001",)),
    ]
    net = network(ms, start=dt.date(2026, 11, 5), holidays=[dt.date(2026, 11, 9)])
    rows = by_id(net)

    assert (rows["M-001"]["start"], rows["M-001"]["finish"]) == ("2026-11-05", "2026-11-10")
    assert (rows["M-002"]["start"], rows["M-002"]["finish"]) == ("2026-11-11", "2026-11-11")


def test_milestone_requires_waits_for_all_tasks_of_the_other() -> None:
    ms = [
        milestone("M-001", tasks=(task("a", hours=8), task("b", hours=24))),
        milestone("M-002", requires=("M-001",), tasks=(task("c", hours=8), task("d", hours=4))),
    ]
    rows = by_id(network(ms))

    assert rows["M-001"]["finish"] == "2026-11-04"
    assert rows["M-002/c"]["start"] == rows["M-002/d"]["start"] == "2026-11-05"
    assert rows["M-002"]["start"] == "2026-11-05" and rows["M-002"]["ef"] == 4
    assert rows["M-001/a"]["total_float"] == 2 and not rows["M-001/a"]["critical"]


def test_slip_against_estimated_end() -> None:
    ms = [
        milestone("M-001", hours=40, estimated_end="2026-11-04"),
        milestone("M-002", hours=8, requires=("M-001",), estimated_end="2026-11-30"),
    ]
    rows = by_id(network(ms))

    assert rows["M-001"]["slip_days"] == 2 and rows["M-001"]["behind"]
    assert rows["M-001"]["total_float"] == -2
    assert rows["M-002"]["slip_days"] == -15 and not rows["M-002"]["behind"]
    assert rows["M-002"]["total_float"] == 0  # it ends the plan: float counts to the end


def test_a_bad_estimated_end_names_the_file() -> None:
    with pytest.raises(MilestoneError) as err:
        network([milestone("M-001", hours=8, estimated_end="2026-13-01")])
    assert err.value.field == "timeline.estimated_end"
    assert err.value.path == ".milestones/active/M-001.yaml"


def test_unestimated_items_are_listed_and_take_no_time() -> None:
    net = network([milestone("M-001", hours=0), milestone("M-002", tasks=(task("a", hours=None),))])

    assert net.unestimated == ["M-001", "M-002/a"]
    assert net.solve().finish == 0


def test_pert_expected_time_stands_in_for_a_missing_estimate() -> None:
    t = task("a", hours=None, optimistic_hours=4, most_likely_hours=7, pessimistic_hours=16)
    net = network([milestone("M-001", tasks=(t,))])

    assert by_id(net)["M-001/a"]["duration_days"] == 1  # (4 + 28 + 16) / 6 = 8 h


def test_what_if_moves_the_successors() -> None:
    ms = [
        milestone("M-001", hours=16),
        milestone("M-002", hours=8),
        milestone("M-003", hours=8, requires=("M-001", "M-002"), estimated_end="2026-11-05"),
    ]
    net = network(ms)
    slip = schedule.parse_delay(net, "M-001+2d")
    before, after = net.solve(), schedule.delayed(net, [slip]).solve()
    moved = {r["id"]: r for r in schedule.moved(net, before, after)}

    assert set(moved) == {"M-001", "M-003"}
    assert moved["M-003"]["finish_before"] == "2026-11-04"
    assert moved["M-003"]["finish_after"] == "2026-11-06"
    assert moved["M-003"]["moved_days"] == 2 and moved["M-003"]["slip_days"] == 1


def test_what_if_a_slip_within_float_moves_nothing_else() -> None:
    net = network([milestone("A", hours=40), milestone("B", hours=8)])
    slip = schedule.parse_delay(net, "B+16h")
    moved = schedule.moved(net, net.solve(), schedule.delayed(net, [slip]).solve())

    assert [r["id"] for r in moved] == ["B"]


@pytest.mark.parametrize(
    ("text", "node", "minutes"),
    [("M-001+5d", "M-001", 5 * 480), ("M-001/a+4h", "M-001/a", 240),
     ("M-001/a+1w", "M-001/a", 2400), ("M-001/a + 0.5d", "M-001/a", 240)],
)  # fmt: skip
def test_parse_delay(text: str, node: str, minutes: int) -> None:
    net = network([milestone("M-001-k7q2", tasks=(task("a-p3xz"),))])
    slip = schedule.parse_delay(net, text)

    assert net.graph.nodes[slip.node].label.replace("-k7q2", "").replace("-p3xz", "") == node
    assert slip.minutes == minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [("M-001", "is not ITEM"), ("M-001+5x", "is not ITEM"),
     ("M-009+1d", "'M-009' is not a milestone or task"), ("M-001/done+1d", "already done")],
)  # fmt: skip
def test_bad_what_if(text: str, message: str) -> None:
    net = network([milestone("M-001", tasks=(task("a"), task("done", status="completed")))])
    with pytest.raises(MilestoneError, match=message):
        schedule.parse_delay(net, text)


def test_summary() -> None:
    net = network([milestone("M-001", hours=20)], holidays=[dt.date(2026, 11, 3)])
    summary = schedule.summary(net, net.solve())

    assert summary == {
        "from": "2026-11-02",
        "calendar": {
            "working_days": ["mon", "tue", "wed", "thu", "fri"],
            "hours_per_day": 8.0,
            "holidays": ["2026-11-03"],
        },
        "finish": "2026-11-05",
        "duration_days": 2.5,
        "unestimated": [],
    }
