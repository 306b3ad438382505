"""CPM against a textbook network with known values, and against brute force."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gitmilestone.analysis import cpm
from tests.analysis.plans import by_id, milestone, network, task

# The textbook example: activity -> (duration in days, predecessors).
TEXTBOOK = {
    "A": (3, ""),
    "B": (4, "A"),
    "C": (2, "A"),
    "D": (5, "B"),
    "E": (1, "C"),
    "F": (2, "C"),
    "G": (4, "DE"),
    "H": (3, "FG"),
}
# activity -> (ES, EF, LS, LF, total float, free float), worked out by hand.
EXPECTED = {
    "A": (0, 3, 0, 3, 0, 0),
    "B": (3, 7, 3, 7, 0, 0),
    "C": (3, 5, 9, 11, 6, 0),
    "D": (7, 12, 7, 12, 0, 0),
    "E": (5, 6, 11, 12, 6, 6),
    "F": (5, 7, 14, 16, 9, 9),
    "G": (12, 16, 12, 16, 0, 0),
    "H": (16, 19, 16, 19, 0, 0),
}


def _adjacency(spec: dict[str, tuple[int, str]]) -> tuple[list[list[int]], list[list[int]]]:
    names = list(spec)
    preds = [[names.index(p) for p in spec[n][1]] for n in names]
    succs: list[list[int]] = [[] for _ in names]
    for i, ps in enumerate(preds):
        for p in ps:
            succs[p].append(i)
    return preds, succs


def test_textbook_network() -> None:
    preds, succs = _adjacency(TEXTBOOK)
    result = cpm.solve(range(8), preds, succs, [d for d, _ in TEXTBOOK.values()])

    got = {
        n: (
            result.es[i],
            result.ef[i],
            result.ls[i],
            result.lf[i],
            result.total_float[i],
            result.free_float[i],
        )
        for i, n in enumerate(TEXTBOOK)
    }
    assert got == EXPECTED
    assert result.finish == 19
    chain = cpm.chain(result, preds, [True] * 8, lambda i: i)
    assert [list(TEXTBOOK)[i] for i in chain] == ["A", "B", "D", "G", "H"]


def test_textbook_network_as_tasks_of_one_milestone() -> None:
    tasks = tuple(task(n, hours=8 * d, deps=tuple(p)) for n, (d, p) in TEXTBOOK.items())
    rows = by_id(network([milestone("M-001", tasks=tasks)]))

    for n, (es, ef, ls, lf, total, free) in EXPECTED.items():
        r = rows[f"M-001/{n}"]
        assert (r["es"], r["ef"], r["ls"], r["lf"]) == (es, ef, ls, lf)
        assert (r["total_float"], r["free_float"]) == (total, free)
        assert r["critical"] == (total == 0)
    assert rows["M-001"]["ef"] == 19
    assert rows["M-001/H"]["finish"] == "2026-11-26"  # the 19th working day from Mon 2 Nov


def test_textbook_network_as_milestones() -> None:
    ms = [milestone(n, hours=8 * d, requires=tuple(p), buffer=0) for n, (d, p) in TEXTBOOK.items()]
    rows = by_id(network(ms))

    for n, (es, ef, ls, lf, total, free) in EXPECTED.items():
        assert (rows[n]["es"], rows[n]["ef"], rows[n]["ls"], rows[n]["lf"]) == (es, ef, ls, lf)
        assert (rows[n]["total_float"], rows[n]["free_float"]) == (total, free)


def test_a_deadline_gives_negative_float_to_the_path_that_misses_it() -> None:
    preds, succs = _adjacency(TEXTBOOK)
    durations = [d for d, _ in TEXTBOOK.values()]
    result = cpm.solve(range(8), preds, succs, durations, deadlines={7: 17})

    assert [result.total_float[i] for i in range(8)] == [-2, -2, 4, -2, 4, 7, -2, -2]
    assert all(f >= 0 for f in result.free_float)
    assert [list(TEXTBOOK)[i] for i in cpm.chain(result, preds, [True] * 8, lambda i: i)] == list(
        "ABDGH"
    )


@st.composite
def dags(draw: st.DrawFn) -> tuple[list[int], list[list[int]]]:
    n = draw(st.integers(1, 12))
    durations = draw(st.lists(st.integers(0, 20), min_size=n, max_size=n))
    preds = [
        sorted(draw(st.sets(st.integers(0, i - 1), max_size=3))) if i else [] for i in range(n)
    ]
    return durations, preds


def _longest_to(i: int, durations: list[int], preds: list[list[int]]) -> int:
    return max((_longest_to(p, durations, preds) + durations[p] for p in preds[i]), default=0)


@settings(max_examples=150, deadline=None)
@given(dags())
def test_cpm_matches_brute_force(dag: tuple[list[int], list[list[int]]]) -> None:
    durations, preds = dag
    n = len(durations)
    succs: list[list[int]] = [[] for _ in range(n)]
    for i, ps in enumerate(preds):
        for p in ps:
            succs[p].append(i)
    result = cpm.solve(range(n), preds, succs, durations)

    assert result.es == [_longest_to(i, durations, preds) for i in range(n)]
    assert result.finish == max(e + d for e, d in zip(result.es, durations, strict=True))
    assert all(0 <= ff <= tf for ff, tf in zip(result.free_float, result.total_float, strict=True))
    chain = cpm.chain(result, preds, [True] * n, lambda i: i)
    assert sum(durations[i] for i in chain) == result.finish
    assert result.es[chain[0]] == 0 and all(result.total_float[i] == 0 for i in chain)
