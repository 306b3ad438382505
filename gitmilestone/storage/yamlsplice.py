"""Write merged data into a block-style YAML file by splicing its text: every entry the merge
left alone keeps its exact bytes (comments, quoting, indentation), a changed scalar is replaced
where it stands, an entry the merge took unchanged from theirs is copied as theirs writes it
(its comments too), and only what neither side wrote that way is written afresh.

The files are read with libyaml's composer, which gives each node's position, so this stays
fast on files of thousands of lines (a round-trip through ruamel takes seconds there). Layouts
it does not handle (several entries on one line, aliases, a conflict on the first key of a
list item) raise `Unsupported`, and the caller uses the slower yamledit path instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import yaml

from gitmilestone.core import merge3

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    Span = tuple[int, int]
    TheirEntry = tuple[Any, Any, Span]  # one entry in theirs: node, data, span
    TheirPart = tuple[Any, Any, int]  # a collection in theirs: node, data, where it ends


class Unsupported(Exception):
    """The file's layout is one this splicer does not rewrite."""


def splice(text: str, root: Any, ours: Any, merged: Any, theirs: Any = None) -> str:
    """`text` (composed as `root`, whose data is `ours`) rewritten to hold `merged`; a
    Conflict becomes a conflict block. `theirs`: the other side's (text, root, data). Line
    ends must be `\\n`."""
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise Unsupported("the top of the file is not a block mapping")
    writer = _Writer(text, theirs[0] if theirs else None)
    other = (theirs[1], theirs[2], _end(theirs[0])) if theirs else None
    start, body = writer.collection(root, ours, merged, _end(text), other)
    return text[:start] + body


def _end(text: str) -> int:
    end = len(text) if text.endswith("\n") else text.rfind("\n") + 1
    if text[end:].strip():
        raise Unsupported("no line end after the last line")
    return end


class _Writer:
    def __init__(self, text: str, theirs: str | None = None) -> None:
        self.text = text
        self.theirs = _Writer(theirs) if theirs is not None else None

    def collection(
        self, node: Any, old: Any, new: Any, end: int, their: TheirPart | None
    ) -> tuple[int, str]:
        """(where the region of `node`'s entries starts, its new text up to `end`)."""
        spans = self.spans(node, old, end)
        first = spans[0][0]
        column = first - self.line_start(first)
        inline = self.text[self.line_start(first) : first].strip() != ""
        region = first if inline else self.line_start(first)
        out = []
        for n, (conflict, body) in enumerate(self._pieces(node, old, new, spans, column, their)):
            if conflict and n == 0 and inline:
                raise Unsupported("a conflict on the first key of a list item")
            lead = "" if conflict else self.text[region:first] if n == 0 else " " * column
            out.append(lead + body)
        return region, "".join(out)

    def spans(self, node: Any, data: Any, end: int) -> list[Span]:
        """Where each entry's text starts (its key or dash) and ends (the next one's line)."""
        if not node.value or node.flow_style or len(node.value) != len(data):
            raise Unsupported("an empty, flow or aliased collection")
        if isinstance(node, yaml.MappingNode):
            starts = [k.start_mark.index for k, _ in node.value]
        else:
            starts = [self._dash(item) for item in node.value]
        for s in starts[1:]:
            if self.text[self.line_start(s) : s].strip():
                raise Unsupported("several entries on one line")
        return list(zip(starts, [self.line_start(s) for s in starts[1:]] + [end], strict=True))

    def _pieces(
        self, node: Any, old: Any, new: Any, spans: list[Span], column: int,
        their: TheirPart | None,
    ) -> list[tuple[bool, str]]:  # fmt: skip
        """(is a conflict block, text) for each entry of the merged collection."""
        theirs = self._their_entries(their)
        mapping = isinstance(node, yaml.MappingNode)
        olds = list(old.values()) if mapping else old
        children = [v for _, v in node.value] if mapping else node.value
        if mapping:
            index = {key: i for i, key in enumerate(old)}
            rows = [(index.get(key), key, value) for key, value in new.items()]
        else:
            rows = list(zip(*_positions(old, new), new, strict=True))
        pieces = []
        for i, key, value in rows:
            wrap = (lambda v, k=key: {k: v}) if mapping else (lambda v: [v])
            their_entry = theirs.get(key) if key is not None else None
            if isinstance(value, merge3.Conflict):
                ours = self.text[slice(*spans[i])] if i is not None else None
                gone = value.theirs is merge3.MISSING
                other = "" if gone else self._written(their_entry, value.theirs, wrap, column)
                pieces.append((True, _conflict(ours, other, column)))
            elif i is None:
                pieces.append((False, self._written(their_entry, value, wrap, column)))
            else:
                body = self._entry(children[i], olds[i], value, spans[i], column, their_entry)
                pieces.append((False, body or _fresh(wrap(value), column)))
        return pieces

    def _written(
        self, their: TheirEntry | None, value: Any, wrap: Callable[[Any], Any], column: int
    ) -> str:
        """An entry the merge took from theirs: as theirs writes it, or written afresh."""
        return self._copied(their, value, column) or _fresh(wrap(value), column)

    def _entry(
        self, node: Any, old: Any, new: Any, span: Span, column: int, their: TheirEntry | None
    ) -> str | None:
        """One key's (or item's) text, from its first character to the next entry; None
        where it has to be written afresh."""
        start, end = span
        if merge3.same(old, new):
            return self.text[start:end]
        vstart, vend = node.start_mark.index, node.end_mark.index
        if isinstance(node, yaml.ScalarNode) and not isinstance(new, dict | list):
            scalar = self._their_scalar(their, new) or _flow_scalar(new)
            one_line = "\n" not in self.text[vstart:vend] and vstart < vend
            if scalar is not None and one_line and node.style not in ("|", ">"):
                return self.text[start:vstart] + scalar + self.text[vend:end]
        elif _same_kind(node, old, new):
            same = their is not None and _same_kind(their[0], their[1], new)
            other = (their[0], their[1], their[2][1]) if their is not None and same else None
            region, body = self.collection(node, old, new, end, other)
            return self.text[start:region] + body
        return self._copied(their, new, column)

    def _their_entries(self, their: TheirPart | None) -> dict[Any, TheirEntry]:
        """Theirs' entries of the same collection, by key (or item id)."""
        if their is None or self.theirs is None:
            return {}
        node, data, end = their
        if isinstance(node, yaml.MappingNode) and isinstance(data, dict):
            keys, values, children = list(data), list(data.values()), [v for _, v in node.value]
        elif isinstance(data, list) and merge3.keyed(data):
            keys, values, children = [str(x["id"]) for x in data], data, node.value
        else:
            return {}
        try:
            spans = self.theirs.spans(node, data, end)
        except Unsupported:
            return {}
        return {k: (c, v, s) for k, c, v, s in zip(keys, children, values, spans, strict=True)}

    def _their_scalar(self, their: TheirEntry | None, value: Any) -> str | None:
        """The value as theirs writes it (its quotes), where theirs holds exactly it."""
        if their is None or self.theirs is None or not merge3.same(their[1], value):
            return None
        node = their[0]
        text = self.theirs.text[node.start_mark.index : node.end_mark.index]
        plain = isinstance(node, yaml.ScalarNode) and node.style not in ("|", ">")
        return text if plain and text and "\n" not in text else None

    def _copied(self, their: TheirEntry | None, value: Any, column: int) -> str | None:
        """Theirs' text of the entry, where the merge took it as it is there, re-indented."""
        if their is None or self.theirs is None or not merge3.same(their[1], value):
            return None
        start, end = their[2]
        shift = column - (start - self.theirs.line_start(start))
        return _shifted(self.theirs.text[start:end], shift)

    def _dash(self, item: Any) -> int:
        at = item.start_mark.index
        dash = self.text.rfind("-", self.line_start(at), at)
        if dash < 0 or self.text[dash + 1 : at].strip():
            raise Unsupported("a list item without its dash before it")
        return dash

    def line_start(self, at: int) -> int:
        return self.text.rfind("\n", 0, at) + 1


def _positions(old: list[Any], new: list[Any]) -> tuple[list[int | None], list[str | None]]:
    """For each new item, the index of the old item it continues (None for a new one), and
    its id where the list is matched by ids."""
    if merge3.keyed(old) and all(_has_id(x) for x in new):
        index = {str(x["id"]): i for i, x in enumerate(old)}
        ids = [str(x.path[-1] if isinstance(x, merge3.Conflict) else x["id"]) for x in new]
        return [index.get(key) for key in ids], list(ids)
    nones: list[str | None] = [None] * len(new)
    if len(old) == len(new):
        return list(range(len(old))), nones
    free = list(range(len(old)))
    out: list[int | None] = []
    for value in new:
        hit = next((i for i in free if merge3.same(old[i], value)), None)
        if hit is not None:
            free.remove(hit)
        out.append(hit)
    return out, nones


def _conflict(ours: str | None, theirs: str, column: int) -> str:
    """Both versions of one entry between markers (`theirs` already indented but its first
    line), each missing where that side deleted the entry."""
    mine = " " * column + ours if ours is not None else ""
    if mine and not mine.endswith("\n"):
        mine += "\n"
    other = " " * column + theirs if theirs else ""
    return f"<<<<<<< ours\n{mine}=======\n{other}>>>>>>> theirs\n"


def _shifted(body: str, shift: int) -> str | None:
    """`body` with every line after the first indented `shift` columns more (or fewer)."""
    lines = body.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        if not line.strip():
            out.append(line)
        elif shift >= 0:
            out.append(" " * shift + line)
        elif line[:-shift].strip():
            return None  # a line less indented than the shift allows
        else:
            out.append(line[-shift:])
    return "\n".join(out)


def _fresh(value: Any, column: int) -> str:
    """`key: value` or `- value` written anew, its later lines indented to `column`."""
    try:
        out = yaml.dump(value, Dumper=yaml.CSafeDumper, default_flow_style=False,
                        sort_keys=False, allow_unicode=True, width=4096)  # fmt: skip
    except yaml.YAMLError as exc:  # a conflict nested in something both sides added
        raise Unsupported(str(exc)) from None
    lines = out.splitlines(keepends=True)
    return lines[0] + "".join(" " * column + line for line in lines[1:])


def _same_kind(node: Any, old: Any, new: Any) -> bool:
    if isinstance(node, yaml.MappingNode):
        return isinstance(old, dict) and isinstance(new, dict) and bool(new) and not node.flow_style
    if isinstance(node, yaml.SequenceNode):
        return isinstance(old, list) and isinstance(new, list) and bool(new) and not node.flow_style
    return False


def _has_id(item: Any) -> bool:
    return isinstance(item, merge3.Conflict) or (isinstance(item, dict) and "id" in item)


def _flow_scalar(value: Any) -> str | None:
    """A scalar as it is written after `key: `, or None when it needs more than one line."""
    try:
        out = yaml.dump(value, Dumper=yaml.CSafeDumper, default_flow_style=True,
                        allow_unicode=True, width=1 << 30)  # fmt: skip
    except yaml.YAMLError:
        return None
    out = out.removesuffix("\n").removesuffix("\n...")
    return None if "\n" in out else out
