"""Reading commit trailers from history with `git log`: fast enough for 100k commits (git's
output is parsed while git still walks) and exact (git itself parses the trailer blocks, so
prose is never read). Stdlib only."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from gitmilestone.core.events import CommitInfo, Event, commit_rows
from gitmilestone.core.trailers import COMMIT_FIELDS, LOG_DATE, TRAILER_KEYS, parse_trailer_block
from gitmilestone.git.runner import environment

if TYPE_CHECKING:
    import queue


def history(root: Path, rev: str = "HEAD") -> tuple[list[CommitInfo], set[str]]:
    """Commits reachable from `rev` whose trailer block holds one of our keys, and the ids of
    all commits in that history. git itself parses the trailers (last paragraph only), so
    prose is never read."""
    found, shas = scan(root, [rev])
    return found, set(shas)


# git keeps only our keys (matched case-insensitively) and unfolds continuation lines.
_TRAILERS = ",".join(f"key={k}" for k in TRAILER_KEYS) + ",unfold"
# After the common fields: author time (seconds) and parent ids, for time accounting's gap
# rule, which needs every commit (not only those with trailers) and skips merges.
HISTORY_FORMAT = f"{COMMIT_FIELDS}%at %P%x1f%(trailers:{_TRAILERS})%x1e"
_CHUNK = 1 << 20


class Activity(NamedTuple):
    """Every commit of a walk, in git's order: its id, author time and author e-mail
    (lower case; "" for a merge, which the gap rule of time accounting skips)."""

    shas: list[str]
    when: list[int]
    who: list[str]


def scan(root: Path, revs: list[str]) -> tuple[list[CommitInfo], list[str]]:
    """`git log REVS`: the commits with our trailers, and every commit id, in git's order."""
    found: list[CommitInfo] = []
    seen = Activity([], [], [])
    if not _stream(root, revs, lambda text: _parse_records(text, found, seen)):
        return [], []  # unborn branch or unknown revision: no history
    return found, seen.shas


class Walk(NamedTuple):
    rows: list[tuple[Any, ...]]  # trailer events as FIELDS tuples (see rows_of)
    problems: list[str]
    activity: Activity


def scan_rows(root: Path, revs: list[str]) -> Walk:
    """scan, straight to trailer events, problems and every commit's activity; each chunk
    becomes events while git still writes the next."""
    walk = Walk([], [], Activity([], [], []))

    def each(text: str) -> None:
        fresh: list[CommitInfo] = []
        _parse_records(text, fresh, walk.activity)
        found, bad = rows_of(fresh)
        walk.rows.extend(found)
        walk.problems.extend(bad)

    if not _stream(root, revs, each):
        return Walk([], [], Activity([], [], []))
    return walk


def _stream(root: Path, revs: list[str], each: Callable[[str], None]) -> bool:
    """Feed `each` the output of `git log REVS` in chunks of whole records; False when git
    failed. A thread drains git's output as fast as git writes it, so git never waits on a
    full pipe while `each` works: on two cores the Python work mostly hides behind git's."""
    import queue
    import threading

    env = environment()
    cmd = ["git", "log", LOG_DATE, f"--format={HISTORY_FORMAT}", "--end-of-options", *revs, "--"]
    chunks: queue.SimpleQueue[bytes] = queue.SimpleQueue()
    with subprocess.Popen(
        cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env
    ) as proc:
        assert proc.stdout is not None
        _widen(proc.stdout)
        reader = threading.Thread(target=_drain, args=(proc.stdout, chunks), daemon=True)
        reader.start()
        tail = b""
        while chunk := chunks.get():
            complete, _, tail = (tail + chunk).rpartition(b"\x1e")
            each(complete.decode("utf-8", "replace"))
        each(tail.decode("utf-8", "replace"))
        reader.join()
    return proc.returncode == 0


def _widen(pipe: IO[bytes]) -> None:
    """A 1 MiB pipe instead of 64 KiB: the reader thread gets the GIL only between the parser's
    time slices, and git must not sit on a full pipe in between (Linux; elsewhere a no-op)."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _CHUNK)
    except (ImportError, OSError):
        pass


def _drain(pipe: IO[bytes], chunks: queue.SimpleQueue[bytes]) -> None:
    try:
        while chunk := pipe.read1(_CHUNK):  # type: ignore[attr-defined]
            chunks.put(chunk)
    finally:
        chunks.put(b"")  # end of output, also when reading failed


def _parse_records(text: str, found: list[CommitInfo], seen: Activity) -> None:
    # One object per distinct author and trailer block: histories repeat both thousands of
    # times, so they are parsed once, and the cache stores each once.
    authors: dict[str, str] = {}
    emails: dict[str, str] = {}
    blocks: dict[str, tuple[tuple[str, str], ...]] = {}
    for record in text.split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        sha, stamp, author, extra, block = record.split("\x1f", 4)
        at, _, parents = extra.partition(" ")
        email = emails.get(author)
        if email is None:
            email = emails[author] = author[author.rfind("<") + 1 :].rstrip(">").lower()
        seen.shas.append(sha)
        seen.when.append(int(at) if at.isdigit() else 0)
        seen.who.append("" if " " in parents else email)
        if block:
            trailers = blocks.get(block)
            if trailers is None:
                trailers = blocks[block] = tuple(parse_trailer_block(block))
            found.append(CommitInfo(sha, stamp, authors.setdefault(author, author), trailers))


def trailer_events(root: Path, rev: str = "HEAD") -> tuple[list[Event], list[str], set[str]]:
    """Events from trailers, problems, and the ids of every commit in the history."""
    commits, shas = scan(root, [rev])
    events, problems = events_of(commits)
    return events, problems, set(shas)


def events_of(commits: Iterable[CommitInfo]) -> tuple[list[Event], list[str]]:
    rows, problems = rows_of(commits)
    return list(map(Event._make, rows)), problems


def rows_of(commits: Iterable[CommitInfo]) -> tuple[list[tuple[Any, ...]], list[str]]:
    """The trailer events of `commits` as FIELDS tuples (the event-log cache's form)."""
    rows: list[tuple[Any, ...]] = []
    problems: list[str] = []
    for c in commits:
        found, bad = commit_rows(c)
        rows += found
        problems += bad
    return rows, problems
