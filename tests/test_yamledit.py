"""storage/yamledit.py: in-place YAML edits that keep everything the user wrote."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from gitmilestone.errors import InvalidFileError, MilestoneError
from gitmilestone.storage import schema
from gitmilestone.storage.yamledit import Document, dump_new, parse_path

# Sequences indented under their key, as many people write them by hand.
INDENTED = """\
# Milestone M-001, written by hand.
schema_version: 1
id: M-001
title: "Auth: login & \\"sessions\\""   # a trailing comment
description: 'It''s quoted'
priority: high
x-team-notes:   # an unknown key
  owner: {name: Ann, team: core}
  tags: [a, b, "c d"]
timeline:
  estimated_start: 2026-01-05
  estimated_end: "2026-02-01"
  estimated_hours: 40.5
  buffer_percentage: 20

# the tasks
tasks:
  - id: task-001
    title: First
    status: pending   # not started
    dependencies: []
  - id: task-002
    title: >-
      folded
      text
    estimated_hours: 8
    notes: |
      line one
      line two
    dependencies:
      - task-001
success_criteria: []
risks:
  - description: Vendor may be late
    probability: 0.2
"""

# The same content with sequences flush with their key.
FLUSH = """\
# Milestone M-001, written by hand.
schema_version: 1
id: M-001
title: 'Auth: login'
x-team-notes: {owner: Ann}
timeline:
  estimated_hours: 40
tasks:
- id: task-001
  title: First
  status: pending   # not started
  dependencies: []
- id: task-002
  title: Second
  dependencies:
  - task-001
success_criteria:
- Fast
- "Safe: audited"
"""

FOUR_SPACES = """\
schema_version: 1
id: M-001
title: Wide
timeline:
    estimated_hours: 4
tasks:
    -   id: task-001
        title: One
        status: pending
"""


@pytest.mark.parametrize("text", [INDENTED, FLUSH, FOUR_SPACES], ids=["indented", "flush", "four"])
def test_an_untouched_document_round_trips_byte_for_byte(text: str) -> None:
    assert Document(text).dump() == text


def changed_lines(old: str, new: str) -> list[str]:
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.mark.parametrize(
    ("text", "path", "value", "before", "after"),
    [
        (INDENTED, "tasks[0].status", "completed", "    status: pending   # not started",
         "    status: completed # not started"),
        (INDENTED, "tasks.task-002.estimated_hours", 12, "    estimated_hours: 8",
         "    estimated_hours: 12"),
        (INDENTED, "timeline.estimated_start", "2026-01-12", "  estimated_start: 2026-01-05",
         "  estimated_start: 2026-01-12"),
        (INDENTED, "priority", "low", "priority: high", "priority: low"),
        (FLUSH, "tasks.1.title", "Second: again", "  title: Second", "  title: 'Second: again'"),
        (FLUSH, "timeline.estimated_hours", 41.5, "  estimated_hours: 40",
         "  estimated_hours: 41.5"),
        (FOUR_SPACES, "tasks[0].status", "blocked", "        status: pending",
         "        status: blocked"),
    ],
)  # fmt: skip
def test_set_changes_exactly_one_line(
    text: str, path: str, value: Any, before: str, after: str
) -> None:
    doc = Document(text)
    doc.set(parse_path(path), value)
    assert changed_lines(text, doc.dump()) == [f"-{before}", f"+{after}"]


HAND_WRITTEN = """\
---
id: M-001
title: Auth
owner: ~
resources: { team_members: [ ann, bo ] }
timeline:
  estimated_hours: 40
  buffer_percentage: 20
"""


@pytest.mark.parametrize("eol", ["\n", "\r\n"])
def test_forms_the_writer_would_restyle_stay_as_written_away_from_the_edit(eol: str) -> None:
    text = HAND_WRITTEN.replace("\n", eol)
    doc = Document(text)
    doc.set(parse_path("timeline.estimated_hours"), 48)
    new = doc.dump()
    assert new == text.replace("estimated_hours: 40", "estimated_hours: 48")
    unchanged = Document(text)
    unchanged.set(parse_path("title"), "Auth")
    assert unchanged.dump() == text


def test_an_edit_of_a_restyled_line_writes_it_the_new_way() -> None:
    doc = Document(HAND_WRITTEN)
    doc.append(parse_path("resources.team_members"), "cy")
    new = doc.dump()
    assert changed_lines(HAND_WRITTEN, new) == [
        "-resources: { team_members: [ ann, bo ] }",
        "+resources: {team_members: [ann, bo, cy]}",
    ]
    assert new.startswith("---\nid: M-001\n") and "owner: ~\n" in new


@given(st.sampled_from(["title", "timeline.estimated_hours", "owner", "resources.x"]),
       st.one_of(st.integers(0, 99), st.text(alphabet="abc xyz", max_size=8)))  # fmt: skip
def test_a_transplanted_edit_always_reads_as_the_edit(where: str, value: object) -> None:
    doc = Document(HAND_WRITTEN)
    doc.set(parse_path(where), value)
    expected = yaml.safe_load(HAND_WRITTEN)
    target = expected
    *parents, last = where.split(".")
    for part in parents:
        target = target[part]
    target[last] = value
    assert yaml.safe_load(doc.dump()) == expected


def test_set_adds_a_missing_key_and_its_parents_without_touching_other_lines() -> None:
    doc = Document(FLUSH)
    doc.set(parse_path("resources.team_members"), ["ann", "bo"])
    new = doc.dump()
    assert changed_lines(FLUSH, new) == ["+resources:", "+  team_members:", "+  - ann", "+  - bo"]
    assert schema.parse_yaml(new, "f")["resources"] == {"team_members": ["ann", "bo"]}


def test_append_to_an_empty_flow_list() -> None:
    doc = Document(INDENTED)
    doc.append(["success_criteria"], "p95 under 200 ms")
    doc.append(["tasks", 0, "dependencies"], "task-002")
    new = doc.dump()
    data = schema.parse_yaml(new, "f")
    assert data["success_criteria"] == ["p95 under 200 ms"]
    assert data["tasks"][0]["dependencies"] == ["task-002"]
    assert "# not started" in new
    assert "x-team-notes:   # an unknown key" in new


@pytest.mark.parametrize(
    ("text", "item_lines"),
    [
        (INDENTED, ["+  - id: task-003", "+    title: 'New: third'", "+    start: 2026-03-01"]),
        (FLUSH, ["+- id: task-003", "+  title: 'New: third'", "+  start: 2026-03-01"]),
    ],
    ids=["indented", "flush"],
)
def test_append_to_a_block_list_follows_the_file_style(text: str, item_lines: list[str]) -> None:
    doc = Document(text)
    doc.append(["tasks"], {"id": "task-003", "title": "New: third", "start": "2026-03-01"})
    new = doc.dump()
    assert changed_lines(text, new) == item_lines
    assert schema.parse_yaml(new, "f")["tasks"][-1]["start"] == "2026-03-01"


def test_append_creates_a_missing_list() -> None:
    doc = Document("schema_version: 1\nid: M-001\ntitle: T\n")
    doc.append(["risks"], {"description": "late"})
    assert doc.dump().endswith("risks:\n- description: late\n")


def test_append_refuses_a_value_that_is_not_a_list() -> None:
    with pytest.raises(MilestoneError, match="is not a list") as info:
        Document(FLUSH).append(["title"], "x")
    assert info.value.field == "title"


def test_get_reads_by_path() -> None:
    doc = Document(INDENTED)
    assert doc.get(parse_path("tasks.task-002.dependencies[0]")) == "task-001"
    assert doc.get(parse_path("x-team-notes.owner.name")) == "Ann"


@pytest.mark.parametrize(
    ("dotted", "parts"),
    [
        ("a.b", ["a", "b"]),
        ("tasks[0].x", ["tasks", 0, "x"]),
        ("tasks.0.x", ["tasks", 0, "x"]),
        ("tasks.task-001.x", ["tasks", "task-001", "x"]),
        ("tasks[12].kiro_workflow.phases.design.status",
         ["tasks", 12, "kiro_workflow", "phases", "design", "status"]),
        ("x-team-notes", ["x-team-notes"]),
        ("a[1][2]", ["a", 1, 2]),
    ],
)  # fmt: skip
def test_parse_path(dotted: str, parts: list[str | int]) -> None:
    assert parse_path(dotted) == parts


@pytest.mark.parametrize("dotted", ["", ".", "..", "[]", "[", "]"])
def test_parse_path_refuses_an_empty_path(dotted: str) -> None:
    with pytest.raises(MilestoneError, match="empty key path") as info:
        parse_path(dotted)
    assert "hint" in str(info.value)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("nope.deeper", "no key 'nope.deeper'"),
        ("tasks[5].status", "index 5 is out of range (the list has 2 items)"),
        ("tasks.task-404.status", "no item with id 'task-404'"),
        ("title.sub", "goes through a value that is not a mapping or list"),
    ],
)
def test_get_errors_name_the_bad_path(path: str, message: str) -> None:
    with pytest.raises(MilestoneError, match=re.escape(message)) as info:
        Document(INDENTED).get(parse_path(path))
    assert info.value.hint
    assert info.value.field


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("tasks[5].status", "out of range"),
        ("tasks.task-404.status", "no item with id"),
        ("title.sub", "not a mapping or list"),
        ("tasks.task-001.title.x", "not a mapping or list"),
    ],
)
def test_set_errors_change_nothing(path: str, message: str) -> None:
    doc = Document(INDENTED)
    with pytest.raises(MilestoneError, match=message):
        doc.set(parse_path(path), 1)
    assert doc.dump() == INDENTED


# -- properties: model -> YAML -> model -----------------------------------------------------

ids = st.from_regex(r"\A[A-Za-z0-9][A-Za-z0-9_-]{0,20}\Z")
text = st.text(min_size=1, max_size=40)
any_text = st.text(max_size=40)
# Hours as people write them: whole numbers or a few decimals.
hours = st.integers(min_value=0, max_value=10_000) | st.decimals(
    min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False
).map(float)
dates = st.dates(min_value=dt.date(1970, 1, 1), max_value=dt.date(2100, 12, 31)).map(
    dt.date.isoformat
)
timestamps = st.datetimes(min_value=dt.datetime(2000, 1, 1)).map(
    lambda d: d.replace(microsecond=0).isoformat() + "Z"
)
tasks = st.fixed_dictionaries(
    {"id": ids, "title": text},
    optional={
        "status": st.sampled_from(["pending", "in_progress", "blocked", "completed"]),
        "estimated_hours": st.none() | hours,
        "progress": st.integers(min_value=0, max_value=100),
        "assigned_to": st.none() | any_text,
        "dependencies": st.lists(ids, max_size=3),
        "started_at": timestamps,
        "blocked_reason": any_text,
    },
)
milestones = st.fixed_dictionaries(
    {"schema_version": st.just(1), "id": ids, "title": text},
    optional={
        "description": st.none() | any_text,
        "priority": st.sampled_from(["critical", "high", "medium", "low"]),
        "category": any_text,
        "status": st.sampled_from(["planned", "in_progress", "blocked", "completed"]),
        "created_at": timestamps,
        "timeline": st.fixed_dictionaries(
            {},
            optional={
                "estimated_start": st.none() | dates,
                "estimated_end": dates,
                "estimated_hours": hours,
                "buffer_percentage": st.integers(min_value=0, max_value=1000),
            },
        ),
        "success_criteria": st.lists(text, max_size=3),
        "dependencies": st.fixed_dictionaries(
            {"requires": st.lists(ids, max_size=3), "external": st.lists(any_text, max_size=2)}
        ),
        "risks": st.lists(
            st.fixed_dictionaries(
                {
                    "description": text,
                    "probability": st.sampled_from([0, 0.1, 0.25, 0.5, 1]),
                    "impact": st.sampled_from(["low", "medium", "high"]),
                }
            ),
            max_size=2,
        ),
        "tasks": st.lists(tasks, max_size=4),
        "x-unknown": st.dictionaries(st.from_regex(r"\A[a-z_]{1,10}\Z"), any_text, max_size=3),
    },
)


# Text that YAML 1.2 (ruamel, which writes) reads as a string but YAML 1.1 (PyYAML, which
# reads) does not: booleans, sexagesimal numbers, the NEL line break.
YAML11_TRAPS = ["yes", "No", "on", "OFF", "1:20", "12:30:00", "\x85", "a\x85b", "y", "~"]


def tricky(title: str) -> dict[str, Any]:
    task = {"id": "task-001", "title": title, "assigned_to": title, "dependencies": []}
    return {"schema_version": 1, "id": "M-001", "title": title, "tasks": [task]}


@pytest.mark.parametrize("value", YAML11_TRAPS)
def test_text_that_yaml_1_1_reads_differently_is_quoted(value: str) -> None:
    assert schema.parse_yaml(dump_new(tricky(value)), "f") == tricky(value)
    doc = Document(FLUSH)
    doc.set(["title"], value)
    doc.append(["success_criteria"], value)
    data = schema.parse_yaml(doc.dump(), "f")
    assert (data["title"], data["success_criteria"][-1]) == (value, value)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=milestones)
@example(data=tricky("yes"))
@example(data=tricky("1:20"))
@example(data=tricky("\x85"))
@example(data={**tricky("Off"), "success_criteria": ["on"], "category": "NO"})
@example(data={**tricky("x"), "x-unknown": {"no": "", "1:20": "", "2026-01-01": "", "~": ""}})
def test_model_to_yaml_to_model(data: dict[str, Any]) -> None:
    assert schema.schema_errors("milestone", data) == []
    text = dump_new(data, "# header\n")
    back = schema.parse_yaml(text, "f.yaml")
    assert back == data
    assert schema.schema_errors("milestone", back) == []


@given(data=milestones)
@example(data=tricky("\x85"))
def test_dump_new_then_document_round_trips(data: dict[str, Any]) -> None:
    text = dump_new(data)
    assert Document(text).dump() == text


scalars = (
    st.text(max_size=30)
    | st.integers(min_value=-(10**12), max_value=10**12)
    | hours
    | st.booleans()
    | st.none()
    | dates
)


@given(value=scalars, where=st.sampled_from(["title", "timeline.estimated_hours", "tasks.0.x"]))
@example(value="yes", where="title")
@example(value="1:20", where="tasks.0.x")
@example(value="a\x85b", where="title")
def test_set_then_read_gives_the_value_back(value: Any, where: str) -> None:
    doc = Document(INDENTED)
    doc.set(parse_path(where), value)
    new = doc.dump()
    node = schema.parse_yaml(new, "f")
    for part in parse_path(where):
        node = node[part]
    assert node == value
    assert type(node) is type(value)
    assert len(changed_lines(INDENTED, new)) <= 2


@pytest.mark.parametrize(
    ("text", "line"),
    [("a: 1\nstatus: pending\t# soon\n", 2), ("a: 1\nb: 2\nc:\t3\n", 3)],
)
def test_a_file_the_editor_cannot_parse_is_a_user_error_with_the_line(text: str, line: int) -> None:
    schema.parse_yaml(text, "f")  # PyYAML reads it, so loading the plan works
    with pytest.raises(InvalidFileError) as info:
        Document(text)
    assert info.value.line == line
    assert "use spaces" in info.value.hint
