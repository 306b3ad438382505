"""schema.py: safe YAML, JSON Schema checks, and errors that point at file, line and field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from gitmilestone.core.model import Milestone, Settings, milestone_progress, milestone_status
from gitmilestone.errors import InvalidFileError
from gitmilestone.storage import schema
from gitmilestone.storage.templates import CONFIG_FILES

ROOT = Path(__file__).resolve().parent.parent
SEED = Path(__file__).resolve().parent / "data" / "seed-milestone.yaml"

MINIMAL = "schema_version: 1\nid: M-001\ntitle: Auth\n"


def first_error(text: str, kind: str = "milestone") -> InvalidFileError:
    data = schema.parse_yaml(text, "f.yaml")
    with pytest.raises(InvalidFileError) as info:
        schema.check(kind, data, text, "f.yaml")
    return info.value


def line_number(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


# -- safe YAML ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("a: 1\nb: [1, 2\nc: 3\n", 3),
        ("a: 1\n  b: 2\n", 2),
        ("a: 1\nb: 2\nc: 'unclosed\n", 4),
        ("\tx: 1\n", 1),
    ],
)
def test_syntax_errors_carry_the_line(text: str, line: int) -> None:
    with pytest.raises(InvalidFileError) as info:
        schema.parse_yaml(text, ".milestones/active/M-001.yaml")
    err = info.value
    assert (err.path, err.line) == (".milestones/active/M-001.yaml", line)
    assert err.message.startswith("not valid YAML")
    assert err.hint
    assert f".milestones/active/M-001.yaml:{line}" in str(err)


def test_dates_and_timestamps_stay_strings() -> None:
    data = schema.parse_yaml("d: 2024-07-20\nt: 2024-07-20T10:00:00Z\nn: 3\nb: true\n", "f")
    assert data == {"d": "2024-07-20", "t": "2024-07-20T10:00:00Z", "n": 3, "b": True}


@pytest.mark.parametrize(
    "tag",
    [
        "!!python/object/apply:os.system ['touch {marker}']",
        "!!python/object/new:os.system ['touch {marker}']",
        "!!python/name:os.system",
        "!!python/object:os.PathLike {{}}",
    ],
)
def test_unsafe_tags_are_refused_and_never_run(tag: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    text = f"schema_version: 1\nid: M-001\ntitle: {tag.format(marker=marker)}\n"
    with pytest.raises(InvalidFileError) as info:
        schema.parse_yaml(text, "f.yaml")
    assert info.value.line == 3
    assert not marker.exists()


def test_parse_value_reads_command_line_values_as_yaml() -> None:
    assert schema.parse_value("40") == 40
    assert schema.parse_value("[a, b]") == ["a", "b"]
    assert schema.parse_value("2026-12-01") == "2026-12-01"
    assert schema.parse_value("x: [") == "x: ["  # not YAML: taken as the text itself


# -- schema errors --------------------------------------------------------------------------

TASKS = """\
# a comment first
schema_version: 1
id: M-001
title: Auth
tasks:
  - id: task-001
    title: A
    status: pending
  - id: task-002
    title: B
    status: done
"""


def test_enum_error_names_the_field_path_and_line_with_the_choices() -> None:
    err = first_error(TASKS)
    assert err.field == "tasks[1].status"
    assert err.line == line_number(TASKS, "status: done")
    assert "'done'" in err.message
    assert err.hint == "use one of: pending, in_progress, blocked, completed"
    assert str(err).startswith("Error: f.yaml:11: field 'tasks[1].status': ")


def test_type_error_hint_names_the_type() -> None:
    text = MINIMAL + "timeline:\n  estimated_start: 2026-01-01\n  estimated_hours: lots\n"
    err = first_error(text)
    assert (err.field, err.line) == ("timeline.estimated_hours", 6)
    assert err.hint.startswith("write a value of type")
    assert "number" in err.hint


def test_required_error_points_at_the_object_missing_the_key() -> None:
    text = (
        MINIMAL + "tasks:\n  - id: task-001\n    title: A\n  - id: task-002\n    status: pending\n"
    )
    err = first_error(text)
    assert (err.field, err.line) == ("tasks[1]", 7)
    assert "'title' is a required property" in err.message
    assert err.hint == "add the missing key"


def test_a_missing_top_level_key_points_at_the_first_line_of_content() -> None:
    err = first_error("# header\nschema_version: 1\nid: M-001\n")
    assert err.field is None
    assert err.line == 2
    assert "'title'" in err.message


def test_pattern_and_range_hints() -> None:
    err = first_error("schema_version: 1\nid: M/001\ntitle: T\n")
    assert (err.field, err.line) == ("id", 2)
    assert err.hint.startswith("the value must match")
    text = MINIMAL + "risks:\n  - description: r\n    probability: 1.5\n"
    err = first_error(text)
    assert (err.field, err.line) == ("risks[0].probability", 6)
    assert err.hint == "the value must respect maximum 1"


def test_a_newer_schema_version_asks_to_upgrade() -> None:
    err = first_error("schema_version: 2\nid: M-001\ntitle: T\n")
    assert err.field == "schema_version"
    assert "upgrade git-milestone" in err.hint


def test_a_wrong_shape_in_an_any_of_is_reported_briefly() -> None:
    err = first_error(MINIMAL + "success_criteria:\n  - [not, a, criterion]\n")
    assert err.field == "success_criteria[0]"
    assert err.message == '["not", "a", "criterion"] is not an accepted form here'


@pytest.mark.parametrize("priority_first", [True, False])
def test_errors_are_reported_in_file_order(priority_first: bool) -> None:
    tasks = "tasks:\n  - id: task-001\n    title: A\n    status: done\n"
    parts = ["priority: urgent\n", tasks] if priority_first else [tasks, "priority: urgent\n"]
    text = MINIMAL + "".join(parts)
    expected = (
        ["priority", "tasks[0].status"] if priority_first else ["tasks[0].status", "priority"]
    )
    errors = list(schema.iter_file_errors("milestone", _load(text), text, "f"))
    assert [e.field for e in errors] == expected
    assert [e.line for e in errors] == sorted(e.line or 0 for e in errors)
    assert first_error(text).field == expected[0]


def _load(text: str) -> Any:
    return schema.parse_yaml(text, "f")


def test_line_of_follows_the_deepest_existing_node() -> None:
    assert schema.line_of(TASKS, ["tasks", 1, "status"]) == 11
    assert schema.line_of(TASKS, ["tasks", 1, "nope"]) == 9
    assert schema.line_of(TASKS, ["tasks", 7]) == 6  # the list itself starts at its first item
    assert schema.line_of(TASKS, []) == 2
    assert schema.line_of("a: [", ["a"]) is None


def test_field_name_writes_indexes_in_brackets() -> None:
    assert schema.field_name(["tasks", 1, "kiro_workflow", "phases"]) == (
        "tasks[1].kiro_workflow.phases"
    )
    assert schema.field_name([]) == ""


# -- the schema files and the config templates ----------------------------------------------


@pytest.mark.parametrize("path", sorted((ROOT / "schemas").glob("*.schema.json")), ids=str)
def test_every_schema_is_valid_draft_2020_12(path: Path) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(doc)
    assert doc["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_schemas_directory_is_not_empty() -> None:
    names = {p.name for p in (ROOT / "schemas").glob("*.schema.json")}
    assert {f"{kind}.schema.json" for kind in CONFIG_FILES} | {"milestone.schema.json"} <= names


@pytest.mark.parametrize("kind", sorted(CONFIG_FILES))
def test_config_templates_match_their_schemas(kind: str) -> None:
    rel, text = CONFIG_FILES[kind]
    data = schema.parse_yaml(text, rel)
    assert schema.schema_errors(kind, data) == []
    assert data["schema_version"] == 1


def test_the_full_seed_milestone_validates() -> None:
    text = SEED.read_text(encoding="utf-8")
    data = schema.parse_yaml(text, str(SEED))
    assert [e.message for e in schema.schema_errors("milestone", data)] == []
    assert data["tasks"][0]["kiro_workflow"]["phases"]["design"]["deliverables"][0] == {
        "type": "architecture_diagram",
        "path": ".milestones/deliverables/task-001/design/auth-architecture.md",
    }
    assert data["progress"]["phase_history"][0]["started_at"] == "2024-07-20T10:00:00Z"


def test_the_seed_milestone_feeds_the_model() -> None:
    data = schema.parse_yaml(SEED.read_text(encoding="utf-8"), str(SEED))
    m = Milestone.from_dict(data, path="seed", location="active")
    assert m.phase_weights == {"design": 15, "spec": 25, "task": 20, "execute": 40}
    assert m.requires == ("milestone-001", "milestone-003")
    assert m.tasks[0].phases == {
        "design": "completed",
        "spec": "in_progress",
        "task": "pending",
        "execute": "pending",
    }
    assert m.tasks[1].phases is None  # its kiro_workflow is disabled
    # task-001 (45 h) has its design phase done: 15 %; task-002 (8 h) has nothing.
    assert milestone_progress(m, Settings()) == round(45 * 15 / 53, 2)
    assert milestone_status(m, Settings()) == "in_progress"


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        (["tasks", 0, "kiro_workflow", "phases", "review"], {"status": "pending"}, "phases"),
        (["tasks", 0, "kiro_workflow", "phases", "design", "status"], "done", "status"),
        (["kiro_configuration", "phase_weights", "design"], -1, "design"),
        (["progress", "phase_progress", "spec"], 101, "spec"),
        (["risks", 0, "impact"], "huge", "impact"),
    ],
)
def test_breaking_one_seed_field_names_it(path: list[Any], value: Any, field: str) -> None:
    data = schema.parse_yaml(SEED.read_text(encoding="utf-8"), str(SEED))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    errors = schema.schema_errors("milestone", data)
    assert len(errors) == 1
    assert schema.field_name(list(errors[0].absolute_path)).endswith(field)
