"""The merge driver's slower writer: the merged data written into ours' text through ruamel
(yamledit.Document), for layouts the splicer (yamlsplice.py) does not handle. A conflict is
written as a unique placeholder value, then that line is replaced by both sides' versions of
it between conflict markers."""

from __future__ import annotations

from typing import Any

from gitmilestone.core import merge3


def write_into(text: str, ours: dict[str, Any], outcome: merge3.Outcome) -> str:
    from gitmilestone.storage.yamledit import Document

    doc = Document(text)
    marks = _Marks()
    _apply(doc.data, ours, outcome.data, marks)
    out = doc.dump()
    crlf = "\r\n" in out
    out = out.replace("\r\n", "\n") if crlf else out
    for token, conflict in marks.tokens.items():
        out = _markers(out, token, conflict, doc)
    return out.replace("\n", "\r\n") if crlf else out


class _Marks:
    """A unique plain scalar per conflict, written in its place and then replaced."""

    def __init__(self) -> None:
        import secrets

        self.salt = secrets.token_hex(6)
        self.tokens: dict[str, merge3.Conflict] = {}

    def put(self, conflict: merge3.Conflict) -> str:
        token = f"GITMILESTONE_CONFLICT_{len(self.tokens)}_{self.salt}"
        self.tokens[token] = conflict
        return token


def _apply(node: Any, ours: Any, merged: Any, marks: _Marks) -> None:
    """Make ruamel's `node` (loaded from ours' text, whose data is `ours`) hold `merged`,
    touching only what differs, so comments and layout elsewhere stay."""
    if isinstance(merged, dict):
        _apply_mapping(node, ours, merged, marks)
    elif merge3.keyed(ours) and all(_has_id(x) for x in merged):
        _apply_items(node, ours, merged, marks)
    elif len(ours) == len(merged):
        for i, (old, new) in enumerate(zip(ours, merged, strict=True)):
            _apply_at(node, i, old, new, marks)
    else:
        node[:] = [_value(x, marks) for x in merged]


def _apply_mapping(node: Any, ours: dict[Any, Any], merged: dict[Any, Any], marks: _Marks) -> None:
    for key in [k for k in node if k not in merged]:
        del node[key]
    for i, (key, new) in enumerate(merged.items()):
        if key in ours:
            _apply_at(node, key, ours[key], new, marks)
        else:
            node.insert(i, key, _value(new, marks))


def _apply_at(node: Any, key: Any, old: Any, new: Any, marks: _Marks) -> None:
    if isinstance(new, merge3.Conflict) or not _container_pair(old, new):
        if not merge3.same(old, new):
            node[key] = _value(new, marks)
    elif not merge3.same(old, new):
        _apply(node[key], old, new, marks)


def _apply_items(node: Any, ours: list[Any], merged: list[Any], marks: _Marks) -> None:
    """Lists of items with ids: delete, move and insert items, editing kept ones in place."""
    before = {str(x["id"]): x for x in ours}
    wanted = [str(x.path[-1]) if isinstance(x, merge3.Conflict) else str(x["id"]) for x in merged]
    for i in reversed(range(len(ours))):
        if str(ours[i]["id"]) not in wanted:
            del node[i]
    for i, (key, new) in enumerate(zip(wanted, merged, strict=True)):
        at = next((j for j in range(i, len(node)) if _id_of(node[j]) == key), None)
        if isinstance(new, merge3.Conflict) or key not in before or at is None:
            if at is not None:
                del node[at]
            node.insert(i, _value(new, marks))
            continue
        if at != i:
            node.insert(i, node.pop(at))
        if not merge3.same(before[key], new):
            _apply(node[i], before[key], new, marks)


def _id_of(item: Any) -> str | None:
    return str(item["id"]) if hasattr(item, "get") and "id" in item else None


def _has_id(item: Any) -> bool:
    return isinstance(item, merge3.Conflict) or (isinstance(item, dict) and "id" in item)


def _container_pair(old: Any, new: Any) -> bool:
    return (isinstance(old, dict) and isinstance(new, dict)) or (
        isinstance(old, list) and isinstance(new, list)
    )


def _value(value: Any, marks: _Marks) -> Any:
    from gitmilestone.storage.yamledit import to_yaml

    if isinstance(value, merge3.Conflict):
        return marks.put(value)
    if isinstance(value, dict):
        return {k: _value(v, marks) for k, v in value.items()}
    if isinstance(value, list):
        return [_value(v, marks) for v in value]
    return to_yaml(value)


def _markers(text: str, token: str, conflict: merge3.Conflict, doc: Any) -> str:
    """Replace the line holding `token` with both sides' version of it between markers."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if token in line)
    head = lines[at][: lines[at].index(token)]
    sides = [_side(head, value, doc) for value in (conflict.ours, conflict.theirs)]
    block = ["<<<<<<< ours", *sides[0], "=======", *sides[1], ">>>>>>> theirs"]
    return "\n".join([*lines[:at], *block, *lines[at + 1 :]])


def _side(head: str, value: Any, doc: Any) -> list[str]:
    """`head` is what precedes the value on its line: `  key: ` or `  - ` (or `  - key: `)."""
    if value is merge3.MISSING:
        return []
    stripped = head.rstrip()
    if stripped.endswith(":"):  # a mapping key: write `key: value` in its place
        lead_end = len(stripped) - len(stripped.lstrip(" -"))
        key = stripped[lead_end:-1]
        lines = doc.fragment({_key(key): _value(value, _Marks())}).rstrip("\n").split("\n")
        first, rest = head[:lead_end], " " * lead_end
    else:  # a list item: write `- value`
        lines = doc.fragment([_value(value, _Marks())]).rstrip("\n").split("\n")
        lines = _dedent(lines)
        first, rest = head[: len(head) - 2], " " * (len(head) - 2)
    return [first + lines[0], *(rest + line for line in lines[1:])]


def _key(text: str) -> Any:
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] and text[0] in "'\"" else text


def _dedent(lines: list[str]) -> list[str]:
    lead = min(len(x) - len(x.lstrip(" ")) for x in lines if x.strip())
    return [x[lead:] for x in lines]
