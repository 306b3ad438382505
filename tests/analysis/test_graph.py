from __future__ import annotations

import itertools
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitmilestone.analysis import graph
from gitmilestone.errors import MilestoneError
from tests.analysis.plans import milestone, task


def _cycle_error(*ms: object) -> MilestoneError:
    with pytest.raises(MilestoneError) as err:
        graph.build(list(ms))  # type: ignore[arg-type]
    return err.value


def test_milestone_cycle_is_printed() -> None:
    err = _cycle_error(
        milestone("M-002", requires=("M-001",)), milestone("M-001", requires=("M-002",))
    )

    assert err.message == "dependency cycle: M-001 -> M-002 -> M-001"
    assert err.path == ".milestones/active/M-001.yaml"
    assert "remove one of these dependencies" in err.hint


def test_cycle_through_milestones_with_tasks_reads_as_milestones() -> None:
    err = _cycle_error(
        milestone("M-001", requires=("M-003",), tasks=(task("t1"), task("t2", deps=("t1",)))),
        milestone("M-002", requires=("M-001",), tasks=(task("t1"),)),
        milestone("M-003", requires=("M-002",), tasks=(task("t1"),)),
    )

    assert err.message == "dependency cycle: M-001 -> M-002 -> M-003 -> M-001"


def test_task_cycle_across_milestones() -> None:
    err = _cycle_error(
        milestone("M-001", tasks=(task("a", deps=("M-002/b",)),)),
        milestone("M-002", tasks=(task("b", deps=("M-001/a",)),)),
    )

    assert err.message == "dependency cycle: M-001/a -> M-002/b -> M-001/a"


def test_cycle_of_a_task_and_a_milestone_requirement() -> None:
    err = _cycle_error(
        milestone("M-001", requires=("M-002",), tasks=(task("a"),)),
        milestone("M-002", tasks=(task("b", deps=("M-001/a",)),)),
    )

    assert err.message == "dependency cycle: M-001 -> M-001/a -> M-002/b -> M-002 -> M-001"


def test_a_task_that_depends_on_itself() -> None:
    err = _cycle_error(milestone("M-001", tasks=(task("a", deps=("a",)),)))

    assert err.message == "dependency cycle: M-001/a -> M-001/a"


def test_unknown_milestone() -> None:
    with pytest.raises(MilestoneError) as err:
        graph.build([milestone("M-001", requires=("M-009",))])
    assert err.value.message == "M-001 requires unknown milestone 'M-009'"
    assert err.value.field == "dependencies.requires"
    assert err.value.path == ".milestones/active/M-001.yaml"


@pytest.mark.parametrize(
    ("dep", "why"),
    [("t9", "no such task in M-001"), ("M-002/t9", "no such task in M-002"),
     ("M-009/t1", "no such milestone")],
)  # fmt: skip
def test_unknown_task(dep: str, why: str) -> None:
    ms = [
        milestone("M-001", tasks=(task("t1", deps=(dep,)),)),
        milestone("M-002", tasks=(task("t1"),)),
    ]
    with pytest.raises(MilestoneError) as err:
        graph.build(ms)
    assert err.value.message == f"task M-001/t1 depends on unknown task '{dep}' ({why})"
    assert err.value.field == "tasks.t1.dependencies"


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(MilestoneError, match="used by 2 files"):
        graph.build([milestone("M-001"), milestone("M-001")])
    with pytest.raises(MilestoneError, match="task id 't1' is used twice in M-001"):
        graph.build([milestone("M-001", tasks=(task("t1"), task("t1")))])


def test_requires_costs_one_edge_per_task_plus_one_per_requirement() -> None:
    many = tuple(task(f"t{i}") for i in range(50))
    g = graph.build(
        [
            milestone("A", tasks=many),
            milestone("B", tasks=many),
            milestone("C", requires=("A", "B"), tasks=many),
        ]
    )

    # each task -> its milestone (150), C's gate -> C's tasks (50), A and B -> C's gate (2)
    assert g.edge_count == 150 + 50 + 2


def test_enables_is_derived_from_requires() -> None:
    ms = [
        milestone("M-001"),
        milestone("M-002", requires=("M-001",)),
        milestone("M-003", requires=("M-001",)),
    ]

    assert graph.derived_enables(ms) == {"M-001": ["M-002", "M-003"], "M-002": [], "M-003": []}


def test_two_thousand_tasks() -> None:
    """A chain of 2,000 tasks over 100 milestones: built, ordered and fast."""
    ms = []
    for m in range(100):
        tasks = tuple(
            task(f"t{i}", deps=(f"t{i - 1}",) if i else ((f"M{m - 1}/t19",) if m else ()))
            for i in range(20)
        )
        ms.append(milestone(f"M{m}", requires=(f"M{m - 1}",) if m else (), tasks=tasks))
    began = time.perf_counter()
    g = graph.build(ms)

    assert time.perf_counter() - began < 1.0
    assert len(g.nodes) == 2000 + 100 + 99  # tasks, finish nodes, start gates
    position = {i: n for n, i in enumerate(g.order)}
    assert all(position[p] < position[i] for i, ps in enumerate(g.preds) for p in ps)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_order_respects_every_edge_and_cycles_are_found(data: st.DataObject) -> None:
    n = data.draw(st.integers(1, 8))
    requires = [data.draw(st.sets(st.integers(0, n - 1), max_size=2)) for _ in range(n)]
    ms = [
        milestone(f"M{i}", requires=tuple(f"M{r}" for r in sorted(req)))
        for i, req in enumerate(requires)
    ]
    try:
        g = graph.build(ms)
    except MilestoneError as err:
        labels = err.message.removeprefix("dependency cycle: ").split(" -> ")
        assert labels[0] == labels[-1]
        for a, b in itertools.pairwise(labels):  # every step is a real edge
            assert int(a[1:]) in requires[int(b[1:])]
        return
    position = {i: k for k, i in enumerate(g.order)}
    assert all(position[p] < position[i] for i, ps in enumerate(g.preds) for p in ps)


def test_a_dependency_written_twice_is_one_edge() -> None:
    g = graph.build(
        [
            milestone("M-001", tasks=(task("a"), task("b", deps=("a", "M-001/a", "a")))),
            milestone("M-002", requires=("M-001", "M-001")),
        ]
    )

    assert g.preds[g.index["M-001/b"]] == [g.index["M-001/a"]]
    assert g.preds[g.index["M-002"]] == [g.index["M-001"]]


def test_one_milestone_of_five_thousand_chained_tasks_builds() -> None:
    """A 5,000-task chain: no recursion limit, every edge once (its speed is measured by
    bench/bench_analysis.py, not here: wall-clock bounds fail at random on a busy machine)."""
    tasks = tuple(task(f"t{i}", deps=(f"t{i - 1}",) if i else ()) for i in range(5000))
    g = graph.build([milestone("M-001", tasks=tasks)])

    assert g.edge_count == 4999 + 5000


class _Changed:
    """A value unlike any a plan holds, with a fixed text."""

    def __repr__(self) -> str:
        return "<changed>"


# What a person reads and the schedule never does. A field added to the model is counted as
# a network input until it is added here: a solved network is never read back wrongly.
WORDS = {
    "task": {"title", "assigned_to", "blocked_reason", "completed_at"},
    "milestone": {
        "title",
        "priority",
        "category",
        "description",
        "estimated_start",
        "enables",
        "success_criteria",
        "deliverables",
        "risk_count",
        "raw",
    },
}


def test_network_inputs_name_every_field_but_the_words() -> None:
    from dataclasses import fields, replace

    from gitmilestone.core.model import Milestone, Task

    m = milestone("M-001", tasks=(task("task-001", hours=3),))
    for f in fields(Task):
        changed = replace(m, tasks=(replace(m.tasks[0], **{f.name: _Changed()}),))
        same = graph.network_inputs(changed) == graph.network_inputs(m)
        assert same == (f.name in WORDS["task"]), f.name
    for f in fields(Milestone):
        value = (task("task-002"),) if f.name == "tasks" else _Changed()
        same = graph.network_inputs(replace(m, **{f.name: value})) == graph.network_inputs(m)
        assert same == (f.name in WORDS["milestone"]), f.name


def test_a_milestone_without_tasks_counts_its_own_three_points() -> None:
    from dataclasses import replace

    bare = milestone("M-001")
    timed = replace(bare, raw={"timeline": {"most_likely_hours": 4}})
    assert graph.network_inputs(timed) != graph.network_inputs(bare)
    with_tasks = milestone("M-001", tasks=(task("task-001"),))
    assert graph.network_inputs(replace(with_tasks, raw=timed.raw)) == graph.network_inputs(
        with_tasks
    )
