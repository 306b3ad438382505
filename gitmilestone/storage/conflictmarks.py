"""Finding unresolved merge conflict markers in a plan file, and the field they sit in, so a
half-merged file is reported as that rather than as a YAML syntax error."""

from __future__ import annotations

import re

_START = re.compile(r"^<{7}(?: |$)", re.M)
_KEY = re.compile(r"^(\s*)(-\s+)?([^\s#'\"][^:#]*?|'[^']*'|\"[^\"]*\"):(?:\s|$)")
_ITEM = re.compile(r"^(\s*)-\s")


def first_marker(text: str) -> tuple[int, str | None] | None:
    """(1-based line, dotted field or None) of the first `<<<<<<<` line, or None."""
    if "<<<<<<<" not in text:
        return None
    found = _START.search(text)
    if found is None:
        return None
    lines = text[: found.start()].replace("\r\n", "\n").split("\n")
    after = text[found.end() :].replace("\r\n", "\n").split("\n")[1:]
    return len(lines), field_at(lines[:-1], after)


def field_at(above: list[str], block: list[str]) -> str | None:
    """The dotted path of the value in a conflict block: its own key (or list item) and the
    keys and list-item ids of the lines it is nested in."""
    first = next((x for x in block if x.strip() and not x.startswith("=======")), "")
    path, items, keys = _own(first)
    for line in reversed(above):
        if not line.strip() or line.lstrip().startswith("#") or keys <= 0:
            continue
        lead = len(line) - len(line.lstrip(" "))
        key = _KEY.match(line)
        if _ITEM.match(line) and lead < items:
            item_id = _item_id(line, key)
            if item_id:
                path.insert(0, item_id)
            items, keys = lead, lead + 1  # the list's own key may sit at the dash's column
        elif key and not key.group(2) and lead < keys:
            path.insert(0, key.group(3).strip("'\""))
            items = keys = lead
    return ".".join(path) or None


def _own(line: str) -> tuple[list[str], int, int]:
    """The block's own key or item id, and how far a parent item or key must be indented."""
    lead = len(line) - len(line.lstrip(" "))
    key = _KEY.match(line)
    if _ITEM.match(line):
        item_id = _item_id(line, key)
        if key and item_id is None:  # `- key: value`: the first key of a list item
            return [key.group(3).strip("'\"")], lead + 1, lead + 1
        return [item_id] if item_id else [], lead, lead + 1
    return ([key.group(3).strip("'\"")] if key else []), lead, lead


def _item_id(line: str, key: re.Match[str] | None) -> str | None:
    if key and key.group(3) == "id":
        return line.split(":", 1)[1].split("#")[0].strip().strip("'\"") or None
    return None
