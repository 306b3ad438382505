"""The `merge=milestone` driver: git runs it as `git milestone merge-file %O %A %B %P` for every
milestone file both sides changed, and takes %A as the result.

The data is merged by keys and list-item ids (merge3.py). When git's own text merge of the
same three files is clean and reads as that same data, its text is kept: it holds both sides'
comments and layout. Otherwise the merged data is written into ours' text in place (yamledit
keeps every line the merge does not change), and a value both sides changed differently is
written as that one value between conflict markers. A file the driver cannot read as a YAML
mapping is left to `git merge-file`, so neither side is ever lost.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gitmilestone import merge3
from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:  # git runs the driver once per file: typing and dataclasses cost it time
    from typing import Any

LABELS = ("-L", "ours", "-L", "base", "-L", "theirs")


class Result:
    """The merged text; `conflicts`: values left between conflict markers; `structural`:
    False where git merge-file's clean text merge was kept."""

    __slots__ = ("conflicts", "renames", "structural", "text")

    def __init__(
        self, text: str, conflicts: int, renames: list[merge3.Renamed], structural: bool
    ) -> None:
        self.text, self.conflicts, self.renames, self.structural = (
            text, conflicts, renames, structural
        )  # fmt: skip


def merge_file(base: Path, ours: Path, theirs: Path, shown: str) -> int:
    """Merge into `ours` as git expects of a driver; the exit code is 0 when clean."""
    o, a, b = (_read(p) for p in (base, ours, theirs))
    result = None
    if o is not None and a is not None and b is not None:
        result = merge_texts(o, a, b, paths=(base, ours, theirs))
    if result is None:
        return _text_merge(base, ours, theirs, in_place=True).returncode
    for r in result.renames:
        where = ".".join(str(p) for p in r.path)
        print(f"git-milestone: {shown}: both sides added {where} item {r.old}; theirs is now "
              f"{r.new}", file=sys.stderr)  # fmt: skip
    from gitmilestone.storage.atomic import write_text

    write_text(ours, result.text, shown)
    return 1 if result.conflicts else 0


def merge_texts(o: str, a: str, b: str, paths: tuple[Path, Path, Path]) -> Result | None:
    """The merged text, or None when a side is not a YAML mapping the driver can merge."""
    from gitmilestone import fastyaml

    crlf = "\r\n" in a
    a_lf = a.replace("\r\n", "\n") if crlf else a
    b_lf = b.replace("\r\n", "\n")
    try:
        a_node, b_node = fastyaml.compose(a_lf), fastyaml.compose(b_lf)
        data = [fastyaml.load(o), fastyaml.build(a_node), fastyaml.build(b_node)]
    except fastyaml.Unreadable:
        return None
    if (data[0] is None and o.strip()) or not all(isinstance(d, dict) for d in data[1:]):
        return None
    outcome = merge3.merge(data[0], data[1], data[2])
    if not outcome.conflicts:
        proc = _text_merge(*paths, in_place=False)
        if proc.returncode == 0 and merge3.same(_load(proc.stdout), outcome.data):
            return Result(proc.stdout, 0, outcome.renames, structural=False)
    text = _spliced(a_lf, a_node, data[1], outcome, (b_lf, b_node, data[2]))
    if text is None:
        text = _rewritten(a_lf, data[1], outcome)
    if text is None:
        return None
    text = text.replace("\n", "\r\n") if crlf else text
    return Result(text, len(outcome.conflicts), outcome.renames, structural=True)


def _spliced(
    text: str, node: Any, ours: dict[str, Any], outcome: merge3.Outcome, theirs: Any
) -> str | None:
    """The fast writer (yamlsplice); None where it does not apply or, checked by reading the
    result back, did not write the merged data."""
    from gitmilestone.yamlsplice import Unsupported, splice

    try:
        out = splice(text, node, ours, outcome.data, theirs)
    except Unsupported:
        return None
    if not outcome.conflicts and not merge3.same(_load(out), outcome.data):
        return None
    return out


def _rewritten(text: str, ours: dict[str, Any], outcome: merge3.Outcome) -> str | None:
    """The ruamel writer (yamledit), slower but at home with any layout."""
    try:
        return _write_into(text, ours, outcome)
    except MilestoneError:  # ruamel is stricter than PyYAML: leave it to git
        return None


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _load(text: str) -> Any:
    """Safe-loaded data, or a sentinel for text that is not."""
    from gitmilestone import fastyaml

    try:
        return fastyaml.load(text)
    except fastyaml.Unreadable:
        return _UNREADABLE


_UNREADABLE = object()


def _text_merge(
    base: Path, ours: Path, theirs: Path, in_place: bool
) -> subprocess.CompletedProcess[str]:
    args = ["git", "merge-file", *LABELS] + ([] if in_place else ["-p"])
    return subprocess.run(
        [*args, str(ours), str(base), str(theirs)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip


def _write_into(text: str, ours: dict[str, Any], outcome: merge3.Outcome) -> str:
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


def main(argv: list[str]) -> int:
    """`python -m gitmilestone merge-file %O %A %B [%P]`, as the registered driver runs it."""
    if len(argv) not in (3, 4):
        print("usage: git milestone merge-file BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    base, ours, theirs = (Path(p) for p in argv[:3])
    return merge_file(base, ours, theirs, argv[3] if len(argv) == 4 else argv[1])
