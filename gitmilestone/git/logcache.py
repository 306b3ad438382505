"""A local cache of the trailer half of the event log, so reads do not rescan the history.

Kept in .git/milestones/eventlog.cache: never committed, never the source of truth, rebuilt
whenever it is missing, unreadable or from another version. For the few most recent tips it
holds the id of every commit in the tip's history and the trailer events found there.

A read at a new tip starts from the most recent cached tip and asks git only for the
difference: the commits the new tip adds (`git log NEW --not OLD`, parsed) and the commits it
no longer has (`git rev-list OLD --not NEW`, after an amend, a rebase or a branch switch).
One new commit costs one short walk, whatever the length of the history.
"""

from __future__ import annotations

import marshal
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitmilestone.core.events import FIELDS, Event
from gitmilestone.git import history, runner

VERSION = 2
KEEP = 3  # tips remembered: the branches someone switches between
CACHE_NAME = "eventlog.cache"

# (tip, ids of every commit in its history (binary), event tuples, problems)
Entry = tuple[str, frozenset[bytes], list[tuple[Any, ...]], list[str]]


def trailer_log(
    root: Path, cache_dir: Path, rev: str = "HEAD"
) -> tuple[list[Event], list[str], Callable[[str | None], bool]]:
    """Trailer events on `rev`'s history, problems met, and a test for "is this commit in that
    history" (notes count only there)."""
    return trailer_log_at(root, cache_dir, _resolve(root, rev))


def trailer_log_at(
    root: Path, cache_dir: Path, tip: str | None
) -> tuple[list[Event], list[str], Callable[[str | None], bool]]:
    """trailer_log at a commit already resolved (None: an unborn branch)."""
    if tip is None:
        return [], [], lambda sha: False
    entries = _load(cache_dir / CACHE_NAME)
    entry = next((e for e in entries if e[0] == tip), None)
    if entry is None:
        entry = _extend(root, tip, entries[0]) if entries else _scan_all(root, tip)
        _save(cache_dir / CACHE_NAME, [entry, *(e for e in entries if e[0] != tip)][:KEEP])
    _, shas, rows, problems = entry
    events = list(map(Event._make, rows))
    return events, problems, lambda sha: _binary(sha) in shas


def _resolve(root: Path, rev: str) -> str | None:
    proc = runner.git(
        root, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    return proc.stdout.strip() or None


def _scan_all(root: Path, tip: str) -> Entry:
    rows, problems, shas = history.scan_rows(root, [tip])
    return tip, frozenset(map(bytes.fromhex, shas)), rows, problems


def _extend(root: Path, tip: str, base: Entry) -> Entry:
    """`base` moved to `tip`: add what tip's history has and base's lacks, drop the reverse."""
    old_tip, shas, rows, problems = base
    new_rows, new_problems, added = history.scan_rows(root, [tip, f"^{old_tip}"])
    gone = runner.git(
        root, "rev-list", "--end-of-options", old_tip, f"^{tip}", check=False
    ).stdout.split()
    if gone:
        dropped, short = set(gone), {g[:10] for g in gone}
        rows = [r for r in rows if r[FIELDS.index("commit")] not in dropped]
        # Problems read "commit <first 10 hex digits>: ..." (events.commit_events).
        problems = [p for p in problems if p[len("commit ") :][:10] not in short]
    kept = shas.difference(map(bytes.fromhex, gone)) if gone else shas
    return (
        tip,
        kept.union(map(bytes.fromhex, added)),
        rows + new_rows,
        problems + new_problems,
    )


def _binary(sha: str | None) -> bytes:
    try:
        return bytes.fromhex(sha or "")
    except ValueError:
        return b""


def _load(path: Path) -> list[Entry]:
    """The cached entries, newest first; nothing when the file is missing or not ours."""
    try:
        data = marshal.loads(path.read_bytes())
        if data[0] != VERSION or data[1] != FIELDS:
            return []
        return [
            (tip, frozenset(_split(blob, len(tip) // 2)), rows, probs)
            for tip, blob, rows, probs in data[2]
        ]
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError):
        return []


def _split(blob: bytes, width: int) -> list[bytes]:
    """The commit ids packed end to end: 20 bytes each (SHA-1), or 32 (SHA-256)."""
    return [blob[i : i + width] for i in range(0, len(blob), width)]


def _save(path: Path, entries: list[Entry]) -> None:
    """Write atomically; a cache that cannot be written (read-only .git) is simply not kept."""
    packed = [(tip, b"".join(shas), rows, problems) for tip, shas, rows, problems in entries]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".eventlog.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps((VERSION, FIELDS, packed)))
        os.replace(tmp, path)
    except (OSError, ValueError):
        Path(tmp).unlink(missing_ok=True)
