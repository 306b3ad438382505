"""Three-way merge of milestone data: by keys, and by `id` in lists of items that have one.

Pure: plain data in (what a safe YAML load gives), plain data out, with a `Conflict` in place
of each value both sides changed differently and a `Renamed` for each item both sides added
under the same id. The merge driver (mergedriver.py) writes the result into the file text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the merge driver runs once per file: no typing or dataclasses at run time
    from collections.abc import Callable
    from typing import Any

    Path = tuple[Any, ...]  # keys, list-item ids and list indexes from the top of the file
    FreshId = Callable[[str, set[str]], str]


class _Missing:
    """A key or item one side does not have (deleted, or never added)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


class Conflict:
    """Both sides changed the value at `path`, differently."""

    __slots__ = ("base", "ours", "path", "theirs")

    def __init__(self, path: Path, base: Any, ours: Any, theirs: Any) -> None:
        self.path, self.base, self.ours, self.theirs = path, base, ours, theirs

    def __repr__(self) -> str:
        return f"Conflict({self.path!r}, ours={self.ours!r}, theirs={self.theirs!r})"


class Renamed:
    """Both sides added an item `old` to the list at `path`; theirs is now called `new`."""

    __slots__ = ("new", "old", "path")

    def __init__(self, path: Path, old: str, new: str) -> None:
        self.path, self.old, self.new = path, old, new


class Outcome:
    __slots__ = ("conflicts", "data", "renames")

    def __init__(self, data: Any) -> None:
        self.data = data
        self.conflicts: list[Conflict] = []
        self.renames: list[Renamed] = []


def merge(base: Any, ours: Any, theirs: Any, fresh: FreshId | None = None) -> Outcome:
    """Merge `ours` and `theirs`, both changed from `base` (None for a file both added)."""
    out = Outcome(None)
    merger = _Merger(out, fresh or fresh_id)
    out.data = merger.value(() if base is None else base, ours, theirs, ())
    return out


def same(x: Any, y: Any) -> bool:
    """Equal as YAML data: `1`, `1.0` and `true` are three different values."""
    if type(x) is not type(y):
        return False
    if isinstance(x, dict):
        return x.keys() == y.keys() and all(same(v, y[k]) for k, v in x.items())
    if isinstance(x, list):
        return len(x) == len(y) and all(map(same, x, y))
    return bool(x is y or x == y)


class _Merger:
    def __init__(self, out: Outcome, fresh: FreshId) -> None:
        self.out = out
        self.fresh = fresh

    def value(self, o: Any, a: Any, b: Any, path: Path) -> Any:
        if same(a, b):
            return a
        if same(o, a):
            return b
        if same(o, b):
            return a
        if isinstance(a, dict) and isinstance(b, dict):
            return self.mapping(o if isinstance(o, dict) else {}, a, b, path)
        if isinstance(a, list) and isinstance(b, list):
            return self.sequence(o if isinstance(o, list) else [], a, b, path)
        conflict = Conflict(path, o, a, b)
        self.out.conflicts.append(conflict)
        return conflict

    def mapping(self, o: dict[Any, Any], a: dict[Any, Any], b: dict[Any, Any], path: Path) -> Any:
        merged = {}
        for key in union_order(list(a), list(b)):
            got = self.value(o.get(key, MISSING), a.get(key, MISSING), b.get(key, MISSING),
                             (*path, key))  # fmt: skip
            if got is not MISSING:
                merged[key] = got
        return merged

    def sequence(self, o: list[Any], a: list[Any], b: list[Any], path: Path) -> list[Any]:
        if all(keyed(x) for x in (o, a, b)) and (a or b):
            return self.by_id(o, a, b, path)
        if len(o) == len(a) == len(b):
            return [
                self.value(*items, (*path, i)) for i, items in enumerate(zip(o, a, b, strict=True))
            ]
        return _plain_sequence(o, a, b)

    def by_id(self, o: list[Any], a: list[Any], b: list[Any], path: Path) -> list[Any]:
        om, am, bm = ({str(x["id"]): x for x in items} for items in (o, a, b))
        renamed = self._collisions(om, am, bm, path)
        order = union_order(*_primary(list(om), list(am), list(bm)))
        merged = []
        for key in order:
            got = self.value(om.get(key, MISSING), am.get(key, MISSING), bm.get(key, MISSING),
                             (*path, key))  # fmt: skip
            if got is not MISSING:
                merged.append(got)
            if key in renamed:
                merged.append(renamed[key])
        return merged

    def _collisions(
        self, om: dict[str, Any], am: dict[str, Any], bm: dict[str, Any], path: Path
    ) -> dict[str, Any]:
        """Items both sides added under one id but with different content: ours keeps the
        id, theirs gets a fresh one and follows ours."""
        taken = set(om) | set(am) | set(bm)
        renamed = {}
        for key in [k for k in bm if k in am and k not in om and not same(am[k], bm[k])]:
            new = self.fresh(key, taken)
            taken.add(new)
            renamed[key] = {**bm.pop(key), "id": new}
            bm[key] = am[key]  # so the id itself merges as "both added the same"
            self.out.renames.append(Renamed(path, key, new))
        return renamed


def keyed(items: list[Any]) -> bool:
    """A list of mappings, each with a distinct scalar `id`."""
    ids = [x.get("id") if isinstance(x, dict) else None for x in items]
    scalars = all(isinstance(i, str | int) and not isinstance(i, bool) for i in ids)
    return scalars and len({str(i) for i in ids}) == len(ids)


def _primary(o: list[str], a: list[str], b: list[str]) -> tuple[list[str], list[str]]:
    """Keys in the order to keep: ours, unless only theirs reordered what both kept."""
    common = set(o) & set(a) & set(b)
    moved_a = [k for k in a if k in common] != [k for k in o if k in common]
    moved_b = [k for k in b if k in common] != [k for k in o if k in common]
    return (b, a) if moved_b and not moved_a else (a, b)


def union_order(first: list[Any], second: list[Any]) -> list[Any]:
    """`first`, with each key only `second` has placed after the key it follows there; keys
    at that spot that `second` does not know (added by `first`, or removed by `second`) stay
    ahead, so the order is the same on every run."""
    out = list(first)
    seen = set(out)
    unknown = set(first) - set(second)
    for i, key in enumerate(second):
        if key in seen:
            continue
        before = next((k for k in reversed(second[:i]) if k in seen), None)
        at = 0 if before is None else out.index(before) + 1
        while at < len(out) and out[at] in unknown:
            at += 1
        out.insert(at, key)
        seen.add(key)
    return out


def _plain_sequence(o: list[Any], a: list[Any], b: list[Any]) -> list[Any]:
    """Lists of plain values: ours, without what theirs removed, plus what theirs added."""
    merged = list(a)
    for item in o:
        if not any(same(item, x) for x in b):
            hit = next((i for i, x in enumerate(merged) if same(item, x)), None)
            if hit is not None:
                del merged[hit]
    for i, item in enumerate(b):
        if any(same(item, x) for x in o) or any(same(item, x) for x in merged):
            continue
        before = next((x for x in reversed(b[:i]) if any(same(x, y) for y in merged)), MISSING)
        at = 0 if before is MISSING else _index(merged, before) + 1
        while at < len(merged) and not any(same(merged[at], x) for x in o):
            at += 1  # what ours added at that spot stays ahead
        merged.insert(at, item)
    return merged


def _index(items: list[Any], item: Any) -> int:
    return next(i for i, x in enumerate(items) if same(item, x))


_NUMBERED = r"^(.*?)-?(\d+)(?:-([0-9a-z]+))?$"
_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # as plan.random_suffix: no i, l, o, u


def fresh_id(old: str, taken: set[str]) -> str:
    """The next free id in `old`'s series (`task-004` -> `task-005`), with a random suffix of
    the same length when `old` had one, as `fix-ids` renames."""
    import re
    import secrets

    numbered = re.compile(_NUMBERED)
    m = numbered.match(old)
    if not m:
        prefix, width, suffix = old, 0, ""
    else:
        prefix, width, suffix = m.group(1), len(m.group(2)), m.group(3) or ""
    numbers = [int(x.group(2)) for x in map(numbered.match, taken) if x and x.group(1) == prefix]
    number = max(numbers, default=0) + 1
    while True:
        tail = "-" + "".join(secrets.choice(_ALPHABET) for _ in suffix) if suffix else ""
        candidate = f"{prefix}-{str(number).zfill(width)}{tail}" if prefix else f"{number}"
        if candidate not in taken:
            return candidate
        number += 1
