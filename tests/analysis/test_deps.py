from __future__ import annotations

from gitmilestone.analysis import deps, graph
from tests.analysis.plans import milestone, task

PLAN = [
    milestone("M-001", tasks=(task("a", status="completed"), task("b"))),
    milestone("M-002", requires=("M-001",), tasks=(task("c"),)),
    milestone(
        "M-003",
        tasks=(
            task("d", status="completed"),
            task("e", deps=("d",)),
            task("f", deps=("M-001/a", "e")),
            task("g", status="blocked", blocked_reason="no keys"),
        ),
    ),
    milestone("M-004", hours=8, requires=("M-003",)),
    milestone("M-005", hours=8, location="completed"),
]


def test_ready_is_open_work_with_every_dependency_done() -> None:
    ready = deps.ready(graph.build(PLAN))

    assert [r["id"] for r in ready] == ["M-001/b", "M-003/e"]  # M-005 is done already


def test_blocked_says_by_what() -> None:
    rows = {r["id"]: r for r in deps.blocked(graph.build(PLAN))}

    assert rows["M-002/c"]["waiting_for"] == ["M-001"]
    assert rows["M-003/f"]["waiting_for"] == ["M-003/e"]
    assert rows["M-003/g"]["waiting_for"] == [] and rows["M-003/g"]["reason"] == "no keys"
    assert rows["M-004"]["waiting_for"] == ["M-003"]
    assert set(rows) == {"M-002/c", "M-003/f", "M-003/g", "M-004"}


def test_a_milestone_whose_tasks_are_all_done_no_longer_holds_anything_up() -> None:
    plan = [
        milestone("M-001", tasks=(task("a", status="completed"),)),
        milestone("M-002", requires=("M-001",), tasks=(task("b"),)),
    ]

    assert [r["id"] for r in deps.ready(graph.build(plan))] == ["M-002/b"]


def test_declared_enables_that_disagree_are_reported() -> None:
    plan = [
        milestone("M-001", enables=("M-003",)),
        milestone("M-002", requires=("M-001",)),
        milestone("M-003"),
        milestone("M-004", enables=()),
    ]
    found = deps.enables_findings(plan)

    assert [f.message for f in found] == [
        "M-001 declares it enables M-003, but M-003 does not require M-001",
        "M-001 enables M-002 (they require M-001) but its enables list leaves them out",
    ]
    assert {f.field for f in found} == {"dependencies.enables"}
    assert found[0].path == ".milestones/active/M-001.yaml"


def test_an_empty_enables_list_is_not_a_disagreement() -> None:
    plan = [milestone("M-001"), milestone("M-002", requires=("M-001",))]

    assert deps.enables_findings(plan) == []


def test_related_is_upstream_and_downstream() -> None:
    g = graph.build(PLAN)

    assert deps.related(g, "M-002") == {"M-001", "M-002"}
    assert deps.related(g, "M-003") == {"M-001", "M-003", "M-004"}  # via task f on M-001/a
    assert deps.related(g, "M-005") == {"M-005"}


def test_seed_view() -> None:
    plan = [
        milestone("M-001", raw={"resources": {"shared": ["database"]}}),
        milestone("M-002", requires=("M-001",)),
    ]
    g = graph.build(plan)
    rows = deps.view(plan, g, {"M-002"})

    assert deps.seed_view(rows) == {
        "dependencies": {
            "M-001": {
                "depends_on": [],
                "enables": ["M-002"],
                "shared_resources": ["database"],
                "critical_path": False,
            },
            "M-002": {
                "depends_on": ["M-001"],
                "enables": [],
                "shared_resources": [],
                "critical_path": True,
            },
        }
    }
