"""A local cache of the trailer half of the event log, so reads do not rescan the history.

Kept in .git/milestones/eventlog.cache: never committed, never the source of truth, rebuilt
whenever it is missing, unreadable or from another version. For the few most recent tips it
holds the id of every commit in the tip's history with its author time and e-mail (time
accounting's gap rule needs them all) and the trailer events found there.

A read at a new tip starts from the most recent cached tip and asks git only for the
difference: the commits the new tip adds (`git log NEW --not OLD`, parsed) and the commits it
no longer has (`git rev-list OLD --not NEW`, after an amend, a rebase or a branch switch).
One new commit costs one short walk, whatever the length of the history.
"""

from __future__ import annotations

import marshal
import os
from array import array
from collections.abc import Callable
from itertools import compress
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from gitmilestone.core.events import FIELDS, Event
from gitmilestone.git import history, runner

VERSION = 3
KEEP = 3  # tips remembered: the branches someone switches between
CACHE_NAME = "eventlog.cache"
T = TypeVar("T")


class Entry(NamedTuple):
    tip: str
    order: list[bytes]  # every commit id in the tip's history (binary), newest walks first
    when: array[int]  # author time of each commit in `order` (seconds)
    who: array[int]  # index in `people` of each commit's author
    people: list[str]  # author e-mails, lower case; "" stands for a merge commit
    rows: list[tuple[Any, ...]]  # trailer events as FIELDS tuples
    problems: list[str]


class TrailerLog(NamedTuple):
    events: list[Event]
    problems: list[str]
    in_history: Callable[[str | None], bool]  # notes count only on commits in this history
    activity: Callable[[int], list[tuple[str, str, int]]]  # see Entry.since


def trailer_log(root: Path, cache_dir: Path, rev: str = "HEAD") -> TrailerLog:
    """Trailer events on `rev`'s history, problems met, a test for "is this commit in that
    history" and the commits' activity for time accounting."""
    return trailer_log_at(root, cache_dir, _resolve(root, rev))


def trailer_log_at(root: Path, cache_dir: Path, tip: str | None) -> TrailerLog:
    """trailer_log at a commit already resolved (None: an unborn branch)."""
    if tip is None:
        return TrailerLog([], [], lambda sha: False, lambda since: [])
    entries = _load(cache_dir / CACHE_NAME)
    entry = next((e for e in entries if e.tip == tip), None)
    if entry is None:
        entry = _extend(root, tip, entries[0]) if entries else _scan_all(root, tip)
        _save(cache_dir / CACHE_NAME, [entry, *(e for e in entries if e.tip != tip)][:KEEP])
    shas = frozenset(entry.order)
    events = list(map(Event._make, entry.rows))
    return TrailerLog(
        events, entry.problems, lambda sha: _binary(sha) in shas, lambda t: _since(entry, t)
    )


def _since(entry: Entry, start: int) -> list[tuple[str, str, int]]:
    """(commit, author e-mail, author time) of every commit but merges from `start` on."""
    people, when, who = entry.people, entry.when, entry.who
    return [
        (sha.hex(), people[who[i]], when[i])
        for i, sha in enumerate(entry.order)
        if when[i] >= start and people[who[i]]
    ]


def _resolve(root: Path, rev: str) -> str | None:
    proc = runner.git(
        root, "rev-parse", "-q", "--verify", "--end-of-options", f"{rev}^{{commit}}", check=False
    )
    return proc.stdout.strip() or None


def _scan_all(root: Path, tip: str) -> Entry:
    return _joined(
        tip, history.scan_rows(root, [tip]), Entry(tip, [], array("q"), array("I"), [], [], [])
    )


def _extend(root: Path, tip: str, base: Entry) -> Entry:
    """`base` moved to `tip`: add what tip's history has and base's lacks, drop the reverse."""
    walk = history.scan_rows(root, [tip, f"^{base.tip}"])
    gone = runner.git(
        root, "rev-list", "--end-of-options", base.tip, f"^{tip}", check=False
    ).stdout.split()
    if gone:
        base = _without(base, gone)
    return _joined(tip, walk, base)


def _without(base: Entry, gone: list[str]) -> Entry:
    """`base` without the commits `gone` (an amend, a rebase, a switch to another branch)."""
    dropped, short = set(gone), {g[:10] for g in gone}
    binary = set(map(bytes.fromhex, gone))
    keep = [sha not in binary for sha in base.order]
    # Problems read "commit <first 10 hex digits>: ..." (events.commit_events).
    return base._replace(
        order=list(compress(base.order, keep)),
        when=array("q", compress(base.when, keep)),
        who=array("I", compress(base.who, keep)),
        rows=[r for r in base.rows if r[FIELDS.index("commit")] not in dropped],
        problems=[p for p in base.problems if p[len("commit ") :][:10] not in short],
    )


def _joined(tip: str, walk: history.Walk, base: Entry) -> Entry:
    """The commits of `walk` (newer) in front of those of `base`."""
    people = list(base.people)
    index = {person: i for i, person in enumerate(people)}
    for person in walk.activity.who:
        if person not in index:
            index[person] = len(people)
            people.append(person)
    return Entry(
        tip,
        walk.activity.order + base.order,
        array("q", walk.activity.when) + base.when,
        array("I", (index[p] for p in walk.activity.who)) + base.who,
        people,
        base.rows + walk.rows,
        base.problems + walk.problems,
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
        return [_unpacked(*packed) for packed in data[2]]
    except (OSError, ValueError, EOFError, TypeError, IndexError, KeyError):
        return []


def _unpacked(
    tip: str, blob: bytes, when: bytes, who: bytes, people: list[str], rows: Any, probs: Any
) -> Entry:
    order = _split(blob, len(tip) // 2)
    times, authors = array("q"), array("I")
    times.frombytes(when)
    authors.frombytes(who)
    if not (len(order) == len(times) == len(authors)) or max(authors, default=0) >= max(
        len(people), 1
    ):
        raise ValueError("inconsistent cache entry")
    return Entry(tip, order, times, authors, list(people), rows, probs)


def _split(blob: bytes, width: int) -> list[bytes]:
    """The commit ids packed end to end: 20 bytes each (SHA-1), or 32 (SHA-256)."""
    return [blob[i : i + width] for i in range(0, len(blob), width)]


def _save(path: Path, entries: list[Entry]) -> None:
    packed = [
        (e.tip, b"".join(e.order), e.when.tobytes(), e.who.tobytes(), e.people, e.rows, e.problems)
        for e in entries
    ]
    _write(path, (VERSION, FIELDS, packed))


def kept(cache_dir: Path, name: str, key: Any, compute: Callable[[], T]) -> T:
    """compute(), kept in `cache_dir/name` while `key` stays the same: for figures derived
    from one tip's history alone (the key names the tip), which a warm read then need not
    derive again. Values and key must be what marshal stores (no sets: frozensets)."""
    path = cache_dir / name
    try:
        stored_key, value = marshal.loads(path.read_bytes())
        if stored_key == (VERSION, key):
            found: T = value
            return found
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = compute()
    _write(path, ((VERSION, key), value))
    return value


def _write(path: Path, data: Any) -> None:
    """Write atomically; a cache that cannot be written (read-only .git) is simply not kept."""
    import tempfile  # only when the cache is written: a read that finds it current needs none

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(marshal.dumps(data))
        os.replace(tmp, path)
    except (OSError, ValueError):
        Path(tmp).unlink(missing_ok=True)
