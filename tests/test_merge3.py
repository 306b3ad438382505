"""The three-way merge of milestone data: non-conflicting edits of both sides, as data."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from gitmilestone.commands.mergedriver import merge_texts
from gitmilestone.core import merge3
from gitmilestone.storage.yamledit import dump_new

FIELDS = ("title", "status", "estimated_hours")
VALUES = {
    "title": st.text("abcdefgh xyz", min_size=1, max_size=12).map(str.strip).filter(bool),
    "status": st.sampled_from(["pending", "in_progress", "blocked", "completed"]),
    "estimated_hours": st.integers(0, 80),
}


def base_plan(n: int) -> dict[str, Any]:
    tasks = [
        {"id": f"task-{i:03d}", "title": f"Task {i}", "status": "pending", "estimated_hours": i}
        for i in range(1, n + 1)
    ]
    return {"schema_version": 1, "id": "M-001", "title": "Auth", "priority": "medium",
            "tasks": tasks}  # fmt: skip


@st.composite
def edit_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], list[Any], list[Any]]:
    """A base plan and two lists of edits that touch different things."""
    base = base_plan(draw(st.integers(1, 6)))
    edits: tuple[list[Any], list[Any]] = ([], [])
    for t in base["tasks"]:
        owners = draw(st.lists(st.sampled_from([None, 0, 1]), min_size=4, max_size=4))
        if owners[3] is not None and not any(o == 1 - owners[3] for o in owners[:3]):
            edits[owners[3]].append(("delete", t["id"]))
            continue
        for name, owner in zip(FIELDS, owners[:3], strict=False):
            if owner is not None:
                edits[owner].append(("set", t["id"], name, draw(VALUES[name])))
    for key, value in (("title", "Authentication"), ("priority", "high")):
        owner = draw(st.sampled_from([None, 0, 1]))
        if owner is not None:
            edits[owner].append(("top", key, value))
    for owner, first in ((0, 100), (1, 200)):
        for i in range(draw(st.integers(0, 2))):
            edits[owner].append(("add", f"task-{first + i}", draw(VALUES["title"])))
    return base, edits[0], edits[1]


def apply(plan: dict[str, Any], edits: list[Any]) -> dict[str, Any]:
    out = yaml.safe_load(dump_new(plan))
    for edit in edits:
        if edit[0] == "delete":
            out["tasks"] = [t for t in out["tasks"] if t["id"] != edit[1]]
        elif edit[0] == "set":
            next(t for t in out["tasks"] if t["id"] == edit[1])[edit[2]] = edit[3]
        elif edit[0] == "top":
            out[edit[1]] = edit[2]
        else:
            out["tasks"].append({"id": edit[1], "title": edit[2], "status": "pending"})
    return dict(out)


@settings(max_examples=30, deadline=None)
@given(edit_pairs())
def test_merging_two_independent_edits_is_applying_both(case: Any) -> None:
    base, ours, theirs = case
    texts = [dump_new(base), dump_new(apply(base, ours)), dump_new(apply(base, theirs))]
    with tempfile.TemporaryDirectory() as folder:
        paths = tuple(Path(folder) / name for name in ("base", "ours", "theirs"))
        for path, text in zip(paths, texts, strict=True):
            path.write_text(text)
        result = merge_texts(*texts, paths=paths)  # type: ignore[arg-type]

    assert result is not None and result.conflicts == 0
    assert yaml.safe_load(result.text) == apply(apply(base, ours), theirs)


def test_both_sides_changing_one_value_is_one_conflict_at_that_path() -> None:
    base = base_plan(2)
    ours = apply(base, [("set", "task-002", "status", "blocked")])
    theirs = apply(base, [("set", "task-002", "status", "completed"), ("top", "title", "X")])

    outcome = merge3.merge(base, ours, theirs)

    assert [c.path for c in outcome.conflicts] == [("tasks", "task-002", "status")]
    assert outcome.data["title"] == "X"


def test_a_number_and_the_same_number_as_text_are_different_values() -> None:
    assert not merge3.same(1, 1.0) and not merge3.same(1, True) and merge3.same([1], [1])


def test_fresh_ids_follow_the_series_and_keep_a_suffix_length() -> None:
    assert merge3.fresh_id("task-004", {"task-004", "task-007"}) == "task-008"
    fresh = merge3.fresh_id("task-004-ab3d", {"task-004-ab3d"})
    assert fresh.startswith("task-005-") and len(fresh) == len("task-005-ab3d")
