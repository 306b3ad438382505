"""Edit YAML text in place: comments, unknown keys, quoting, key order and indentation survive,
so a pull request shows only the lines that changed."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from gitmilestone.errors import InvalidFileError, MilestoneError

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_COMMENT = re.compile(r"(^|\s)#.*$")
_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
# PyYAML's YAML 1.1 rules: what a plain scalar in a milestone file is read back as.
_YAML11 = yaml.resolver.Resolver()
_PLAIN_OK = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp")


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
        from ruamel.yaml.error import YAMLError
        from ruamel.yaml.util import load_yaml_guess_indent

        from gitmilestone.storage.schema import check_parsable

        check_parsable(text, "the file")
        self._yaml = YAML(typ="rt")
        self._yaml.preserve_quotes = True
        self._yaml.width = 4096  # never re-wrap a user's long line
        # ruamel guesses one indent: a sequence's when the file has one. Mappings get their own
        # guess, or the first edit of a file with indented lists re-indents every mapping. The
        # guess loads the file with our loader too, so it is read once.
        try:
            self.data, seq_indent, seq_offset = load_yaml_guess_indent(text, yaml=self._yaml)
        except YAMLError as exc:  # stricter than PyYAML, which read the file fine
            raise _cannot_edit(exc) from None
        offset = seq_offset or 0
        sequence = seq_indent if seq_offset is not None and seq_indent else offset + 2
        self._yaml.indent(mapping=_mapping_indent(text), sequence=sequence, offset=offset)
        self._original = text
        self._baseline = self._render()  # what ruamel writes for the file as it stands

    def dump(self) -> str:
        """The edited file: the lines the edit changed, in the file as it was. ruamel restyles
        some hand-written forms (`{ a: 1 }`, `~`, a leading `---`, CRLF) when it writes a
        file; only where the edit touched them does the restyling show."""
        return transplant(self._original, self._baseline, self._render())

    def _render(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.data, out)
        return out.getvalue()

    def fragment(self, value: Any) -> str:
        """`value` written on its own, in this file's indentation (for a conflict block)."""
        out = io.StringIO()
        self._yaml.dump(value, out)
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


def transplant(original: str, baseline: str, new: str) -> str:
    """Apply the change baseline -> new to `original`, where baseline is how `original` looks
    when re-written unchanged. Falls back to `new` unless the result reads as the same data."""
    crlf = "\r\n" in original
    plain = original.replace("\r\n", "\n") if crlf else original
    if new == baseline:
        return original  # the edit changed nothing
    if plain == baseline:
        return _eol(new, crlf)
    orig, base, out = (t.splitlines(keepends=True) for t in (plain, baseline, new))
    to_orig = _opcodes(base, orig)
    merged: list[str] = []
    pos = 0
    for tag, i1, i2, j1, j2 in _opcodes(base, out):
        if tag == "equal":
            continue
        start = _mapped(to_orig, i1, start=True, size=len(orig))
        end = start if i1 == i2 else _mapped(to_orig, i2 - 1, start=False, size=len(orig))
        merged += orig[pos:start] + out[j1:j2]
        pos = max(pos, end)
    result = "".join(merged + orig[pos:])
    return _eol(result, crlf) if _same_data(result, new) else _eol(new, crlf)


Opcodes = Sequence[tuple[str, int, int, int, int]]


def _opcodes(a: list[str], b: list[str]) -> Opcodes:
    return difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes()


def _mapped(ops: Opcodes, i: int, *, start: bool, size: int) -> int:
    """Where baseline line `i` is in the original: line for line where both have the same
    number of lines (equal, or each line restyled); else the whole stretch the two write
    differently (its start, or its end for `start=False`)."""
    for tag, a1, a2, b1, b2 in ops:
        if a1 <= i < a2:
            if tag == "equal" or (a2 - a1) == (b2 - b1):
                return b1 + (i - a1) + (0 if start else 1)
            return b1 if start else b2
    return size


def _same_data(a: str, b: str) -> bool:
    try:
        return bool(yaml.load(a, Loader=yaml.CSafeLoader) == yaml.load(b, Loader=yaml.CSafeLoader))
    except yaml.YAMLError:
        return False


def _eol(text: str, crlf: bool) -> str:
    return text.replace("\n", "\r\n") if crlf else text


def _cannot_edit(exc: Any) -> InvalidFileError:
    mark = getattr(exc, "problem_mark", None)
    return InvalidFileError(
        f"cannot edit this file in place: {getattr(exc, 'problem', None) or exc}",
        "a tab after `key:` or before a comment is the usual cause: use spaces there",
        line=mark.line + 1 if mark is not None else None,
    )


def _mapping_indent(text: str) -> int:
    """How far the first nested mapping is indented under its `key:` line (2 if none is)."""
    parent: int | None = None
    for line in text.splitlines():
        content = _COMMENT.sub("", line).rstrip()
        if not content.strip():
            continue
        lead = len(content) - len(content.lstrip(" "))
        if parent is not None and lead > parent and not content.lstrip().startswith("-"):
            return lead - parent
        is_key_only = content.endswith(":") and not content.lstrip().startswith("-")
        parent = lead if is_key_only else None
    return 2


def to_yaml(value: Any) -> Any:
    """Plain values as ruamel writes them: a YYYY-MM-DD string becomes a date so it is written
    without quotes, like the rest of the file."""
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, Mapping):  # keys too: a plain `no:` key reads back as False
        return {_text(k) if isinstance(k, str) else k: to_yaml(v) for k, v in value.items()}
    if isinstance(value, list):
        return [to_yaml(v) for v in value]
    return value


def _text(value: str) -> Any:
    """ruamel writes YAML 1.2 but the files are read with PyYAML (YAML 1.1), where a plain `yes`,
    `off` or `1:20` is no longer a string and a NEL breaks the line: quote those."""
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        ScalarString,
        SingleQuotedScalarString,
    )

    if isinstance(value, ScalarString):
        return value
    if _DATE.match(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return value
    if "\x85" in value:
        return DoubleQuotedScalarString(value)
    tag = _YAML11.resolve(yaml.ScalarNode, value, (True, False))  # type: ignore[no-untyped-call]
    if tag not in _PLAIN_OK:
        return SingleQuotedScalarString(value)
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
