"""Write merged data into a block-style YAML file by splicing its text: every entry the merge
left alone keeps its exact bytes (comments, quoting, indentation), a changed scalar is replaced
where it stands, and only added or restructured entries are written afresh.

The file is read with libyaml's composer, which gives each node's position, so this stays fast
on files of thousands of lines (a round-trip through ruamel takes seconds there). Layouts it
does not handle (anchors, several entries on one line, flow collections that gain nested
changes) raise `Unsupported`, and the caller uses the slower yamledit path instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

if TYPE_CHECKING:
    from typing import Any

from gitmilestone import merge3


class Unsupported(Exception):
    """The file's layout is one this splicer does not rewrite."""


def splice(text: str, root: Any, ours: Any, merged: Any) -> str:
    """`text` (composed as `root`, whose data is `ours`) rewritten to hold `merged`; Conflict
    values become conflict blocks. Line ends must be `\\n`."""
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Unsupported("the top of the file is not a block mapping")
    end = len(text) if text.endswith("\n") else text.rfind("\n") + 1
    if text[end:].strip():
        raise Unsupported("no line end after the last line")
    start, body = _Writer(text).collection(root, ours, merged, end)
    return text[:start] + body


class _Writer:
    def __init__(self, text: str) -> None:
        self.text = text

    def collection(self, node: Any, old: Any, new: Any, end: int) -> tuple[int, str]:
        """(where the region of `node`'s entries starts, its new text up to `end`)."""
        starts = self._starts(node, old)
        first = starts[0]
        column = first - self._line_start(first)
        inline = self.text[self._line_start(first) : first].strip() != ""
        region = first if inline else self._line_start(first)
        ends = [self._line_start(s) for s in starts[1:]] + [end]
        spans = list(zip(starts, ends, strict=True))
        if isinstance(node, yaml.MappingNode):
            pieces = self._mapping(node, old, new, spans, column)
        else:
            pieces = self._sequence(node, old, new, spans, column)
        out = []
        for n, (conflict, body) in enumerate(pieces):
            if conflict and n == 0 and inline:
                raise Unsupported("a conflict on the first key of a list item")
            out.append(
                body if conflict else (self.text[region:first] if n == 0 else " " * column) + body
            )
        return region, "".join(out)

    def _starts(self, node: Any, old: Any) -> list[int]:
        if not node.value or node.flow_style or len(node.value) != len(old):
            raise Unsupported("an empty, flow or aliased collection")
        if isinstance(node, yaml.MappingNode):
            starts = [k.start_mark.index for k, _ in node.value]
        else:
            starts = [self._dash(item) for item in node.value]
        for s in starts[1:]:
            if self.text[self._line_start(s) : s].strip():
                raise Unsupported("several entries on one line")
        return starts

    def _mapping(
        self, node: Any, old: dict[Any, Any], new: dict[Any, Any], spans: list[tuple[int, int]],
        column: int,
    ) -> list[tuple[bool, str]]:  # fmt: skip
        index = {key: i for i, key in enumerate(old)}
        pieces = []
        for key, value in new.items():
            i = index.get(key)
            if isinstance(value, merge3.Conflict):
                ours = self.text[slice(*spans[i])] if i is not None else None
                pieces.append((True, self._conflict(ours, {key: value.theirs}, value, column)))
            elif i is None:
                pieces.append((False, self._fresh({key: value}, column)))
            else:
                body = self._entry(
                    node.value[i][1], old[key], value, spans[i], {key: value}, column
                )
                pieces.append((False, body))
        return pieces

    def _sequence(
        self, node: Any, old: list[Any], new: list[Any], spans: list[tuple[int, int]], column: int
    ) -> list[tuple[bool, str]]:
        if merge3.keyed(old) and all(_has_id(x) for x in new):
            index = {str(x["id"]): i for i, x in enumerate(old)}
            ids = [str(x.path[-1] if isinstance(x, merge3.Conflict) else x["id"]) for x in new]
            positions = [index.get(key) for key in ids]
        elif len(old) == len(new):
            positions = list(range(len(old)))
        else:
            positions = _reused(old, new)
        pieces = []
        for i, value in zip(positions, new, strict=True):
            if isinstance(value, merge3.Conflict):
                ours = self.text[slice(*spans[i])] if i is not None else None
                pieces.append((True, self._conflict(ours, [value.theirs], value, column)))
            elif i is None:
                pieces.append((False, self._fresh([value], column)))
            else:
                pieces.append((False, self._entry(node.value[i], old[i], value, spans[i], [value],
                                                  column)))  # fmt: skip
        return pieces

    def _entry(
        self, node: Any, old: Any, new: Any, span: tuple[int, int], fresh: Any, column: int
    ) -> str:
        """One key's (or list item's) text, from its first character to the next entry."""
        start, end = span
        if merge3.same(old, new):
            return self.text[start:end]
        vstart, vend = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and not isinstance(new, dict | list):
            scalar = _flow_scalar(new)
            one_line = "\n" not in self.text[vstart:vend] and vstart < vend
            if scalar is not None and one_line and node.style not in ("|", ">"):
                return self.text[start:vstart] + scalar + self.text[vend:end]
        elif _same_kind(node, old, new):
            region, body = self.collection(node, old, new, end)
            return self.text[start:region] + body
        return self._fresh(fresh, column)

    def _conflict(
        self, ours: str | None, theirs: Any, conflict: merge3.Conflict, column: int
    ) -> str:
        mine = " " * column + ours if ours is not None else ""
        if mine and not mine.endswith("\n"):
            mine += "\n"
        other = (
            "" if conflict.theirs is merge3.MISSING else " " * column + self._fresh(theirs, column)
        )
        return f"<<<<<<< ours\n{mine}=======\n{other}>>>>>>> theirs\n"

    def _fresh(self, value: Any, column: int) -> str:
        """`key: value` or `- value` written anew, its later lines indented to `column`."""
        try:
            out = yaml.dump(value, Dumper=yaml.CSafeDumper, default_flow_style=False,
                            sort_keys=False, allow_unicode=True, width=4096)  # fmt: skip
        except yaml.YAMLError as exc:  # a conflict nested in something both sides added
            raise Unsupported(str(exc)) from None
        lines = out.splitlines(keepends=True)
        return lines[0] + "".join(" " * column + line for line in lines[1:])

    def _dash(self, item: Any) -> int:
        at = item.start_mark.index
        dash = self.text.rfind("-", self._line_start(at), at)
        if dash < 0 or self.text[dash + 1 : at].strip():
            raise Unsupported("a list item without its dash before it")
        return dash

    def _line_start(self, at: int) -> int:
        return self.text.rfind("\n", 0, at) + 1


def _same_kind(node: Any, old: Any, new: Any) -> bool:
    if isinstance(node, yaml.MappingNode):
        return isinstance(old, dict) and isinstance(new, dict) and bool(new) and not node.flow_style
    if isinstance(node, yaml.SequenceNode):
        return isinstance(old, list) and isinstance(new, list) and bool(new) and not node.flow_style
    return False


def _has_id(item: Any) -> bool:
    return isinstance(item, merge3.Conflict) or (isinstance(item, dict) and "id" in item)


def _reused(old: list[Any], new: list[Any]) -> list[int | None]:
    """For each new item, the old item it is (each used once), or None for a new one."""
    free = list(range(len(old)))
    out: list[int | None] = []
    for value in new:
        hit = next((i for i in free if merge3.same(old[i], value)), None)
        if hit is not None:
            free.remove(hit)
        out.append(hit)
    return out


def _flow_scalar(value: Any) -> str | None:
    """A scalar as it is written after `key: `, or None when it needs more than one line."""
    try:
        out = yaml.dump(value, Dumper=yaml.CSafeDumper, default_flow_style=True,
                        allow_unicode=True, width=1 << 30)  # fmt: skip
    except yaml.YAMLError:
        return None
    out = out.removesuffix("\n").removesuffix("\n...")
    return None if "\n" in out else out
