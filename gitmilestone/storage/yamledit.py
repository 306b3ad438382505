"""Edit YAML text in place: comments, unknown keys, quoting, key order and indentation survive,
so a pull request shows only the lines that changed."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Mapping
from typing import Any

from gitmilestone.errors import MilestoneError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def parse_path(dotted: str) -> list[str | int]:
    """`timeline.estimated_hours`, `tasks[0].status`, `tasks.0.status` or
    `tasks.task-001.status` (a list of mappings is indexed by its items' `id`)."""
    parts: list[str | int] = []
    for name, index in _SEGMENT.findall(dotted):
        parts.append(int(index) if index else (int(name) if name.isdigit() else name))
    if not parts or "".join(str(p) for p in parts) == "":
        raise MilestoneError(
            f"empty key path {dotted!r}", "write a key such as timeline.estimated_hours"
        )
    return parts


class Document:
    """One YAML file loaded for a round-trip edit."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML
        from ruamel.yaml.util import load_yaml_guess_indent

        _, indent, offset = load_yaml_guess_indent(text)
        indent, offset = indent or 2, offset or 0
        self._yaml = YAML(typ="rt")
        self._yaml.preserve_quotes = True
        self._yaml.width = 4096  # never re-wrap a user's long line
        self._yaml.indent(mapping=indent, sequence=offset + 2, offset=offset)
        self.data = self._yaml.load(text)

    def dump(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def get(self, path: list[str | int]) -> Any:
        node = self.data
        for part in path:
            node = _step(node, part, path, create=False)
        return node

    def set(self, path: list[str | int], value: Any) -> None:
        parent = self.data
        for part in path[:-1]:
            parent = _step(parent, part, path, create=True)
        last = path[-1]
        if isinstance(parent, list):
            parent[_index(parent, last, path)] = to_yaml(value)
        elif isinstance(parent, Mapping):
            parent[last] = to_yaml(value)  # type: ignore[index]
        else:
            raise _not_container(path)

    def append(self, path: list[str | int], item: Any) -> None:
        """Append to the list at `path`, creating it when the key is missing."""
        try:
            target = self.get(path)
        except MilestoneError:
            target = None
        if target is None:
            self.set(path, [])
            target = self.get(path)
        if not isinstance(target, list):
            raise MilestoneError(
                f"'{_show(path)}' is not a list",
                "fix the file so it holds a list",
                field=_show(path),
            )
        target.append(to_yaml(item))


def to_yaml(value: Any) -> Any:
    """Plain values as ruamel writes them: a YYYY-MM-DD string becomes a date so it is written
    without quotes, like the rest of the file."""
    if isinstance(value, str) and _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, Mapping):
        return {k: to_yaml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_yaml(v) for v in value]
    return value


def _step(node: Any, part: str | int, path: list[str | int], *, create: bool) -> Any:
    if isinstance(node, list):
        return node[_index(node, part, path)]
    if not isinstance(node, Mapping):
        raise _not_container(path)
    if part not in node:
        if not create:
            raise MilestoneError(f"no key '{_show(path)}'", "check the key path", field=_show(path))
        node[part] = {}  # type: ignore[index]
    elif node[part] is None and create:
        node[part] = {}  # type: ignore[index]
    return node[part]


def _index(items: list[Any], part: str | int, path: list[str | int]) -> int:
    if isinstance(part, int):
        if -len(items) <= part < len(items):
            return part
        raise MilestoneError(
            f"index {part} is out of range (the list has {len(items)} items)",
            "count from 0",
            field=_show(path),
        )
    for i, item in enumerate(items):
        if isinstance(item, Mapping) and str(item.get("id")) == part:
            return i
    raise MilestoneError(
        f"no item with id '{part}' in this list",
        "check the ID with `git milestone show`",
        field=_show(path),
    )


def _not_container(path: list[str | int]) -> MilestoneError:
    return MilestoneError(
        f"'{_show(path)}' goes through a value that is not a mapping or list",
        "check the key path",
        field=_show(path),
    )


def _show(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def dump_new(data: Mapping[str, Any], header: str = "") -> str:
    """Text for a new file, written in the same style edits keep (2-space block YAML)."""
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=2, offset=0)
    out = io.StringIO()
    yaml.dump(to_yaml(dict(data)), out)
    return header + out.getvalue()
