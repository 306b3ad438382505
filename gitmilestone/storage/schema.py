"""Loading: safe YAML, then JSON Schema, each failure reported with file, line and field."""

from __future__ import annotations

import functools
import json
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

import yaml

from gitmilestone.errors import InvalidFileError
from gitmilestone.resources import schema_bytes as schema_bytes
from gitmilestone.storage.fastcheck import surely_valid

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError

_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MERGE = "tag:yaml.org,2002:merge"


class DuplicateKeyError(yaml.constructor.ConstructorError):
    """A mapping that names the same key twice: YAML says undefined, PyYAML keeps the last."""


class _Loader(yaml.CSafeLoader):
    """The safe loader (C speed), except that dates stay strings: the schemas speak JSON,
    and a date that silently became an object would not round-trip through `set`. A key given
    twice in one mapping is an error, not a silent choice of the second value."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[tuple[str, str]] = set()
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == _MERGE:
                continue  # `<<:` merges may be overridden by keys of their own, by design
            key = (key_node.tag, key_node.value)
            if key in seen:
                raise DuplicateKeyError(
                    None,
                    None,
                    f"key '{key_node.value}' appears twice in one mapping",
                    key_node.start_mark,
                )
            seen.add(key)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _TIMESTAMP]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


# A plan file expands to a few thousand nodes; aliases (`*name`, used by `<<:` merges) may
# repeat a part, but a file whose aliases expand it beyond this is an alias bomb.
MAX_EXPANDED_NODES = 100_000


def parse_yaml(text: str, path: str) -> Any:
    """Parse YAML text safely; syntax errors become InvalidFileError with the line, a file
    left half merged says so, and aliases that would expand the file beyond
    MAX_EXPANDED_NODES are refused before any expansion happens."""
    _refuse_conflict_markers(text, path)
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _bound_aliases(node, path, text)
        return loader.construct_document(node)
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, nesting 10k deep
        raise InvalidFileError(
            f"not a value git-milestone reads: {str(exc)[:80]}",
            "write plain numbers (at most a few digits) and shallow lists and mappings",
            path=path,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        hint = "fix the YAML syntax there (indentation, a missing ':' or an unclosed quote)"
        if isinstance(exc, DuplicateKeyError):
            hint = "keep one of the two (with the value you mean) and delete the other"
        raise InvalidFileError(
            f"not valid YAML: {problem}",
            hint,
            path=path,
            line=mark.line + 1 if mark is not None else None,
        ) from None
    finally:
        loader.dispose()


def check_parsable(text: str, path: str) -> None:
    """Refuse an alias bomb, a number of thousands of digits or nesting too deep before
    another parser (ruamel, for edits) meets it: the C loader reads a plan file in a
    millisecond."""
    parse_yaml(text, path)


def _bound_aliases(root: yaml.Node, path: str, text: str) -> None:
    """Count the nodes the document expands to, each shared (aliased) node once per use,
    without expanding anything (memoised per node, iterative)."""
    if "*" not in text:
        return
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if id(node) in sizes:
            continue
        children = _children(node)
        if not done:
            stack.append((node, True))
            stack.extend((c, False) for c in children if id(c) not in sizes)
            continue
        size = 1 + sum(sizes.get(id(c), 0) for c in children)
        sizes[id(node)] = size
        if size > MAX_EXPANDED_NODES:
            raise InvalidFileError(
                f"YAML aliases expand this file beyond {MAX_EXPANDED_NODES} values",
                "write the values out instead of repeating them with &anchor / *alias",
                path=path,
                line=node.start_mark.line + 1,
            )


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _refuse_conflict_markers(text: str, path: str) -> None:
    from gitmilestone.storage.conflictmarks import first_marker

    found = first_marker(text)
    if found is not None:
        line, field = found
        raise InvalidFileError(
            f"{path or 'the file'} has unresolved merge conflict markers at line {line}",
            "keep the version you want between <<<<<<< and >>>>>>> (or combine them), delete "
            "the marker lines, then `git add` the file",
            path=path or None,
            line=line,
            field=field,
        )


def parse_value(text: str) -> Any:
    """A value typed on the command line, read as YAML (`40`, `true`, `[a, b]`, `x`)."""
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError:
        return text


@functools.cache
def _validator(kind: str) -> Any:
    from jsonschema import Draft202012Validator  # slow import: only when validating

    return Draft202012Validator(json.loads(schema_bytes(kind)))


def schema_errors(kind: str, data: Any) -> list[ValidationError]:
    """Every schema violation, ordered by field path (`iter_file_errors` gives file order)."""
    if surely_valid(kind, data):  # most files: jsonschema is not even imported
        return []
    errors = list(_validator(kind).iter_errors(data))
    return sorted(errors, key=lambda e: [str(p).zfill(6) for p in e.absolute_path])


def check(kind: str, data: Any, text: str, path: str) -> None:
    """Raise InvalidFileError for the first schema violation in the file."""
    for err in iter_file_errors(kind, data, text, path):
        raise err


def to_file_error(err: ValidationError, text: str, path: str, kind: str) -> InvalidFileError:
    where = list(err.absolute_path)
    return InvalidFileError(
        _message(err),
        _hint(err, kind),
        path=path,
        line=line_of(text, where),
        field=field_name(where) or None,
    )


def field_name(where: Sequence[Any]) -> str:
    out = ""
    for part in where:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(err: ValidationError) -> str:
    if err.validator == "anyOf":
        return f"{_short(err.instance)} is not an accepted form here"
    if err.validator == "const":
        return f"{_short(err.instance)} is not supported (expected {err.validator_value!r})"
    return str(err.message)


def _hint(err: ValidationError, kind: str) -> str:
    rule, allowed = err.validator, err.validator_value
    if rule == "enum":
        return "use one of: " + ", ".join(str(v) for v in allowed)
    if rule == "const" and err.absolute_path and err.absolute_path[-1] == "schema_version":
        return f"this git-milestone reads schema_version {allowed}; upgrade git-milestone"
    if rule == "required":
        return "add the missing key"
    if rule == "type":
        return f"write a value of type {allowed}"
    if rule == "pattern":
        return f"the value must match {allowed}"
    if rule in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"the value must respect {rule} {allowed}"
    return f"see schemas/{kind}.schema.json for the expected shape"


def _short(value: Any) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def line_of(text: str, where: Sequence[Any]) -> int | None:
    """1-based line of the YAML node at `where` (the deepest existing ancestor)."""
    try:
        node = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in where:
        node = _child(node, part)
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if key.value == str(part):
                return value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return node.value[part]
    return None


def iter_file_errors(kind: str, data: Any, text: str, path: str) -> Iterator[InvalidFileError]:
    """Every schema violation in file order: sorting by path alone put `priority` (line 20)
    before `tasks[0]` (line 5)."""
    errors = [to_file_error(err, text, path, kind) for err in schema_errors(kind, data)]
    errors += [not_finite(where, text, path) for where in non_finite(data)]
    if not errors:  # a date of the wrong shape is reported by the schema already
        errors = _date_errors(kind, data, text, path)
    yield from sorted(errors, key=lambda e: e.line or 0)


def non_finite(data: Any) -> Iterator[list[Any]]:
    """Where `data` holds NaN or an infinity (`.nan`, `.inf`): JSON Schema's number accepts
    them, and every sum and percentage they reach turns into nan."""
    stack: list[tuple[Any, list[Any]]] = [(data, [])]
    while stack:
        value, where = stack.pop()
        if isinstance(value, float) and not math.isfinite(value):
            yield where
        elif isinstance(value, dict):
            stack.extend((v, [*where, k]) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, [*where, i]) for i, v in enumerate(value))


def not_finite(where: list[Any], text: str, path: str) -> InvalidFileError:
    return InvalidFileError(
        "not a finite number (NaN and infinity count nothing)",
        "write a number such as 4 or 2.5",
        path=path,
        line=line_of(text, where),
        field=field_name(where),
    )


def _date_errors(kind: str, data: Any, text: str, path: str) -> list[InvalidFileError]:
    from gitmilestone.storage.dates import bad_dates, date_fields

    return [
        InvalidFileError(
            f"{value} is not a date in the calendar",
            "write a real day as YYYY-MM-DD (months 01-12, days that month has)",
            path=path,
            line=line_of(text, where),
            field=field_name(where) or None,
        )
        for where, value in bad_dates(data, date_fields(schema_bytes(kind)))
    ]
