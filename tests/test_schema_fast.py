"""The quick schema check (jsonschema-rs) against the reference (jsonschema): on real plan and
config files broken at random, the quick check never accepts what the reference rejects, the
errors a user sees are the reference's, and a valid file is checked without jsonschema."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from gitmilestone.resources import schema_bytes
from gitmilestone.storage import fastcheck, schema
from gitmilestone.storage.templates import CONFIG_FILES

FULL_MILESTONE = Path(__file__).resolve().parent / "data" / "seed-milestone.yaml"
KINDS = ["milestone", *sorted(CONFIG_FILES)]


@cache
def _schema(kind: str) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(schema_bytes(kind))
    return doc


@cache
def _reference(kind: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(kind))


@cache
def _quick(kind: str) -> jsonschema_rs.Validator:
    return jsonschema_rs.Draft202012Validator(_schema(kind))


def _valid_file(kind: str) -> str:
    return (
        FULL_MILESTONE.read_text(encoding="utf-8") if kind == "milestone" else CONFIG_FILES[kind][1]
    )


@cache
def _valid_json(kind: str) -> str:
    return json.dumps(schema.parse_yaml(_valid_file(kind), "f"))


@cache
def _schema_words(kind: str) -> tuple[list[str], list[Any]]:
    """Every property name and every enum value the schema mentions: mutations aim there."""
    names: set[str] = set()
    enums: list[Any] = []
    stack: list[Any] = [_schema(kind)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            names.update(node.get("properties", {}))
            enums += node.get("enum", [])
            stack += node.values()
        elif isinstance(node, list):
            stack += node
    return sorted(names), enums


# Other scripts' digits: Python's regex `\d` matches them, JSON Schema's (ECMA-262) does not.
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x660 + d) for d in range(10)))
WIDE_YEAR = "2026".translate(FULLWIDTH) + "-01-01"  # the year in fullwidth digits
# Strings that break the schemas' patterns, some only for one of the two regex dialects.
PATTERN_BREAKERS = [WIDE_YEAR, "2026".translate(ARABIC_INDIC) + "-01-01", "2026-01-01\n",
                    "2026-1-1", "2026-01-01T10:00", "\u0661", "M 001", "-M", "a/b/c",
                    "MS" + "001".translate(ARABIC_INDIC), "MS001", "", " ", "task-001",
                    "M-002/task-001", "x" * 65, "{milestone}", "2026-02-30", "0"]  # fmt: skip
ODD_NUMBERS = [1.0, 0.0, -1, -0.5, 2**63, 2**64 + 1, -(2**70), 10**30, 1e300, 101, 1000.5]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from(ODD_NUMBERS),
    st.floats(),
    st.text(max_size=12),
    st.sampled_from(PATTERN_BREAKERS),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=6,
)
# What safe YAML also makes (`!!pairs`, `!!set`, `!!binary`, non-string keys): no JSON types.
odd_values = st.one_of(
    st.lists(scalars, max_size=2).map(tuple),
    st.frozensets(st.integers(), max_size=2),
    st.binary(max_size=4),
    st.dictionaries(st.integers() | st.none(), scalars, min_size=1, max_size=2),
)


def _nodes(data: Any, where: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """The path of every value in `data`, containers included."""
    found = [where]
    if isinstance(data, dict):
        for key, value in data.items():
            found += _nodes(value, (*where, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found += _nodes(value, (*where, i))
    return found


def _at(data: Any, where: tuple[Any, ...]) -> Any:
    for part in where:
        data = data[part]
    return data


def _nudges(value: Any) -> st.SearchStrategy[Any]:
    """Values near `value` (the same field, a near miss): where schemas draw their lines."""
    if isinstance(value, bool):
        return st.sampled_from([int(value), float(value), str(value).lower(), None])
    if isinstance(value, int) or (isinstance(value, float) and math.isfinite(value)):
        near = [-value, value + 0.5, float(value), int(value), bool(value), str(value)]
        return st.sampled_from([*near, value * 10**20, 2**64, -(2**70), None])
    if isinstance(value, str):
        near = [value + "\n", value.translate(FULLWIDTH), value.translate(ARABIC_INDIC)]
        near += [value.upper(), value[1:], " " + value, value + "x" * 64, [value]]
        return st.sampled_from(near) | st.sampled_from(PATTERN_BREAKERS)
    if isinstance(value, list):
        return st.sampled_from([[], value * 2, value[:1], {}, None])
    return st.sampled_from([{}, [], None, "x"])


@st.composite
def _mutation(draw: st.DrawFn, data: Any, kind: str, odd: bool) -> None:
    """Change one place in `data`: a value nudged or replaced, a key removed or added."""
    names, enums = _schema_words(kind)
    where = draw(st.sampled_from(_nodes(data)))
    parent, value = _at(data, where[:-1]) if where else None, _at(data, where)
    new = st.one_of(json_values, st.sampled_from(enums), *([odd_values] if odd else []))
    action = draw(st.sampled_from(["nudge", "nudge", "replace", "delete", "add"]))
    if action == "nudge" and parent is not None:
        parent[where[-1]] = draw(_nudges(value))
    elif action == "replace" and parent is not None:
        parent[where[-1]] = draw(new)
    elif action == "delete" and isinstance(parent, dict):
        del parent[where[-1]]
    elif action == "delete" and isinstance(parent, list):
        parent.pop(where[-1])
    elif isinstance(value, dict):
        value[draw(st.sampled_from(names) | st.text(max_size=6))] = draw(new)
    elif isinstance(value, list):
        value.append(draw(new))


@st.composite
def broken_files(draw: st.DrawFn, kind: str, odd: bool = False) -> Any:
    data = json.loads(_valid_json(kind))  # a fresh copy to break
    for _ in range(draw(st.integers(0, 3))):
        draw(_mutation(data, kind, odd))
    return data


def _reference_says_valid(kind: str, data: Any) -> bool:
    return not any(_reference(kind).iter_errors(data))


def _explained(data: Any) -> bool:
    """Where jsonschema-rs is stricter than jsonschema: JSON Schema's regexes (ECMA-262) match
    `\\d` to ASCII digits only and `$` at the very end, Python's also to other scripts' digits
    and before a final newline; and it calls NaN and infinity no number (both go on to the
    reference, and NaN to its own check after)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack += [*value.keys(), *value.values()]
        elif isinstance(value, list):
            stack += value
        elif _dialects_differ(value):
            return True
    return False


def _dialects_differ(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, str):
        return value.endswith("\n") or any(c.isdecimal() and not c.isascii() for c in value)
    return False


def _errors(errors: list[Any]) -> list[tuple[list[Any], str]]:
    """Where and what, in one order whatever the order found (keys may be of mixed types)."""
    return sorted(((list(e.absolute_path), e.message) for e in errors), key=repr)


@pytest.mark.parametrize("kind", KINDS)
def test_every_valid_file_is_valid_for_both(kind: str) -> None:
    data = schema.parse_yaml(_valid_file(kind), "f")
    assert _quick(kind).is_valid(data)
    assert _reference_says_valid(kind, data)


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=100)
@given(data=st.data())
def test_the_quick_check_agrees_with_the_reference(kind: str, data: st.DataObject) -> None:
    doc = data.draw(broken_files(kind))
    expected = _errors(list(_reference(kind).iter_errors(doc)))
    quick, reference = _quick(kind).is_valid(doc), not expected
    # never laxer; stricter only where the regex dialects and NaN differ
    assert quick == reference or (reference and not quick and _explained(doc))
    assert _errors(schema.schema_errors(kind, doc)) == expected


@pytest.mark.parametrize("kind", KINDS)
@settings(max_examples=30)
@given(data=st.data())
def test_values_outside_json_pass_only_what_the_reference_passes(
    kind: str, data: st.DataObject
) -> None:
    doc = data.draw(broken_files(kind, odd=True))
    expected = _errors(list(_reference(kind).iter_errors(doc)))
    assert not fastcheck.surely_valid(kind, doc) or not expected
    assert _errors(schema.schema_errors(kind, doc)) == expected


MINIMAL = {"schema_version": 1, "id": "M-001", "title": "Auth"}


@pytest.mark.parametrize(
    ("extra", "reference_valid"),
    [
        # jsonschema-rs takes a tuple (YAML's `!!pairs`) for an array, jsonschema does not
        ({"dependencies": {"requires": ("M-002",)}}, False),
        ({"created_at": WIDE_YEAR}, True),  # Python's \d: any script's digits
        ({"created_at": "2026-01-01\n"}, True),  # Python's $: before a final newline
        ({"title": b"Auth"}, False),  # !!binary: jsonschema-rs refuses to convert it
        ({1: "a"}, True),  # a key that is no string: the same
    ],
)
def test_where_the_two_differ_the_reference_decides(
    extra: dict[Any, Any], reference_valid: bool
) -> None:
    data = {**MINIMAL, **extra}
    assert not fastcheck.surely_valid("milestone", data)
    assert _reference_says_valid("milestone", data) is reference_valid
    assert (schema.schema_errors("milestone", data) == []) is reference_valid


CHECK = """
import json, sys
from gitmilestone.errors import InvalidFileError
from gitmilestone.storage import schema
text = open(sys.argv[1], encoding="utf-8").read()
try:
    schema.check("milestone", schema.parse_yaml(text, "M-001.yaml"), text, "M-001.yaml")
    error = None
except InvalidFileError as exc:
    error = [exc.path, exc.line, exc.field, exc.message, exc.hint]
print(json.dumps({"jsonschema": "jsonschema" in sys.modules, "error": error}))
"""


def _check_in_a_new_process(text: str, tmp_path: Path) -> dict[str, Any]:
    path = tmp_path / "M-001.yaml"
    path.write_text(text, encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-c", CHECK, str(path)], capture_output=True, text=True, check=True
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def test_a_valid_file_is_checked_without_importing_jsonschema(tmp_path: Path) -> None:
    result = _check_in_a_new_process(FULL_MILESTONE.read_text(encoding="utf-8"), tmp_path)
    assert result == {"jsonschema": False, "error": None}


def test_an_invalid_file_gets_the_reference_error(tmp_path: Path) -> None:
    text = "schema_version: 1\nid: M-001\ntitle: Auth\ntasks:\n  - id: t1\n    title: A\n"
    text += "    status: done\n"
    result = _check_in_a_new_process(text, tmp_path)
    assert result["jsonschema"] is True
    assert result["error"] == [
        "M-001.yaml",
        7,
        "tasks[0].status",
        "'done' is not one of ['pending', 'in_progress', 'blocked', 'completed']",
        "use one of: pending, in_progress, blocked, completed",
    ]
