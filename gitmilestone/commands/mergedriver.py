"""The `merge=milestone` driver: git runs it as `git milestone merge-file %O %A %B %P` for every
milestone file both sides changed, and takes %A as the result.

The data is merged by keys and list-item ids (merge3.py). When git's own text merge of the
same three files is clean and reads as that same data, its text is kept: it holds both sides'
comments and layout. Otherwise the merged data is spliced into ours' text (yamlsplice.py;
mergerewrite.py through ruamel where the splicer does not apply), every entry the merge did
not change keeping its bytes, and a value both sides changed differently is written as that
one value between conflict markers. Either result is read back and must hold the merged data
(each conflict resolved as ours, and as theirs). A file the driver cannot read as a YAML
mapping, or a result that fails that check, is left to `git merge-file`, so neither side is
ever lost.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from gitmilestone.core import merge3
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
    from gitmilestone.storage import fastyaml

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
    if text is None or not _verified(text, outcome):
        text = _rewritten(a_lf, data[1], outcome)
    if text is None or not _verified(text, outcome):
        return None  # git's text merge then: never a result that loses a side
    text = text.replace("\n", "\r\n") if crlf else text
    return Result(text, len(outcome.conflicts), outcome.renames, structural=True)


def _verified(text: str, outcome: merge3.Outcome) -> bool:
    """Whether `text` reads back as the merged data, with each conflict resolved either way
    as ours or as theirs."""
    if not outcome.conflicts:
        return merge3.same(_load(text), outcome.data)
    return all(
        merge3.same(_load(_resolved(text, side)), _picked(outcome.data, side))
        for side in ("ours", "theirs")
    )


def _resolved(text: str, side: str) -> str:
    """`text` with every conflict block resolved as `side` (ours or theirs)."""
    out, state = [], None
    for line in text.splitlines(keepends=True):
        if line.startswith("<<<<<<< ours"):
            state = "ours"
        elif state and line.startswith("======="):
            state = "theirs"
        elif state and line.startswith(">>>>>>> theirs"):
            state = None
        elif state in (None, side):
            out.append(line)
    return "".join(out)


def _picked(data: Any, side: str) -> Any:
    if isinstance(data, merge3.Conflict):
        return getattr(data, side)
    if isinstance(data, dict):
        picked = {k: _picked(v, side) for k, v in data.items()}
        return {k: v for k, v in picked.items() if v is not merge3.MISSING}
    if isinstance(data, list):
        return [v for v in (_picked(x, side) for x in data) if v is not merge3.MISSING]
    return data


def _spliced(
    text: str, node: Any, ours: dict[str, Any], outcome: merge3.Outcome, theirs: Any
) -> str | None:
    """The fast writer (yamlsplice); None where it does not apply."""
    from gitmilestone.storage.yamlsplice import Unsupported, splice

    try:
        return splice(text, node, ours, outcome.data, theirs)
    except Unsupported:
        return None


def _rewritten(text: str, ours: dict[str, Any], outcome: merge3.Outcome) -> str | None:
    """The ruamel writer (yamledit), slower but at home with any layout."""
    from gitmilestone.storage.mergerewrite import write_into

    try:
        return write_into(text, ours, outcome)
    except MilestoneError:  # ruamel is stricter than PyYAML: leave it to git
        return None


def _read(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _load(text: str) -> Any:
    """Safe-loaded data, or a sentinel for text that is not."""
    from gitmilestone.storage import fastyaml

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


def main(argv: list[str]) -> int:
    """`python -m gitmilestone merge-file %O %A %B [%P]`, as the registered driver runs it."""
    if len(argv) not in (3, 4):
        print("usage: git milestone merge-file BASE OURS THEIRS [PATH]", file=sys.stderr)
        return 2
    base, ours, theirs = (Path(p) for p in argv[:3])
    return merge_file(base, ours, theirs, argv[3] if len(argv) == 4 else argv[1])
