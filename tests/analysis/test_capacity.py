"""Resource levelling: whatever the plan, one person's work never overlaps, dependencies hold,
and levelling never makes the plan finish earlier than dependencies alone allow."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitmilestone.analysis import capacity
from gitmilestone.analysis.capacity import Member
from gitmilestone.analysis.schedule import Network
from tests.analysis.plans import MONDAY, milestone, network, task

PEOPLE = ("ann", "bob", None)
TEAM = {
    "ann": Member("ann", 40, frozenset({MONDAY + dt.timedelta(days=2)})),
    "bob": Member("bob", 20),
}

tasks_st = st.lists(
    st.tuples(
        st.integers(1, 24),  # hours
        st.sampled_from(PEOPLE),
        st.lists(st.integers(0, 7), max_size=2),  # earlier tasks it waits for
    ),
    min_size=1,
    max_size=8,
)


def _network(spec: list[tuple[int, str | None, list[int]]]) -> Network:
    tasks = tuple(
        task(f"t{i}", hours, tuple(sorted({f"t{d}" for d in deps if d < i})), assigned_to=who)
        for i, (hours, who, deps) in enumerate(spec)
    )
    return network([milestone("M-1", tasks=tasks)])


def _plan(spec: list[tuple[int, str | None, list[int]]]) -> capacity.Levelled:
    net = _network(spec)
    return capacity.level(net, net.solve(), TEAM)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tasks_st)
def test_levelling_keeps_people_and_dependencies_apart(
    spec: list[tuple[int, str | None, list[int]]],
) -> None:
    net = _network(spec)
    base = net.solve()
    lev = capacity.level(net, base, TEAM)
    r, g = lev.result, net.graph

    for i in g.order:
        assert all(r.ef[p] <= r.es[i] for p in g.preds[i])  # dependencies hold
        assert r.ef[i] - r.es[i] >= net.durations[i]  # never faster than the work
    assert r.finish >= base.finish  # people only ever delay
    for who, member in TEAM.items():
        mine = sorted((r.es[i], r.ef[i]) for i in g.order if capacity.assignee(net, i) == who)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(mine))  # no overlap
        for day, minutes in lev.booked.get(who, {}).items():
            assert minutes <= member.minutes_on(net.cal.day(day), net.cal)  # never overbooked


def test_a_part_timer_takes_twice_as_long() -> None:
    lev = _plan([(16, "bob", [])])
    assert lev.booked["bob"] == {0: 240, 1: 240, 2: 240, 3: 240}  # four days of 4 h
    assert lev.result.finish == 3 * 8 * 60 + 4 * 60  # the fourth day, after 4 h


def test_a_day_off_pushes_the_work_on() -> None:
    lev = _plan([(24, "ann", [])])
    assert lev.result.finish == 4 * 8 * 60  # Mon, Tue, (Wed off), Thu
