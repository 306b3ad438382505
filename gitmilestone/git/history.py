"""Reading commit trailers from history with `git log`: fast enough for 100k commits (git's
output is parsed while git still walks) and exact (git itself parses the trailer blocks, so
prose is never read). Stdlib only.

Every field git prints ends with a NUL (`-z` ends each record with one too). git cuts a
commit message at its first NUL, so no field can hold one, while a message may hold any
other control character: a trailer that carries US or RS stays inside its own field instead
of splitting a record. Fields are read a column at a time (every commit id, every author
time...), which costs far less per commit than taking records apart one by one."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Callable
from itertools import compress
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, NamedTuple

from gitmilestone.core.events import Event, plan_rows
from gitmilestone.core.trailers import TRAILER_KEYS, parse_trailer_block, plan_block
from gitmilestone.git.runner import environment

if TYPE_CHECKING:
    from gitmilestone.core.trailers import Plan

# git keeps only our keys (matched case-insensitively) and unfolds continuation lines.
_TRAILERS = ",".join(f"key={k}" for k in TRAILER_KEYS) + ",unfold"
# Id, author name and e-mail, author time (seconds) and parents (time accounting's gap rule
# needs every commit, and skips merges), and the trailer block. The author date as events
# write it is made from the seconds here, for trailer commits only: git's own (LOG_DATE)
# costs it a tenth of the walk.
_FIELDS = ("%H", "%an", "%ae", "%at", "%P", f"%(trailers:{_TRAILERS})")
WIDTH = len(_FIELDS)
HISTORY_FORMAT = "%x00".join(_FIELDS)
_PIPE = 1 << 20
_BLOCK = 1 << 18
_LAST_SECOND = 10**12 - 1


class Activity(NamedTuple):
    """Every commit of a walk, in git's order: its id (binary, as the event-log cache keeps
    it), author time and author e-mail (lower case; "" for a merge, which the gap rule of
    time accounting skips)."""

    order: list[bytes]
    when: list[int]
    who: list[str]


class Walk(NamedTuple):
    rows: list[tuple[Any, ...]]  # trailer events as FIELDS tuples (see events.plan_rows)
    problems: list[str]
    activity: Activity


def scan_rows(root: Path, revs: list[str]) -> Walk:
    """`git log REVS`, straight to trailer events, problems and every commit's activity;
    each block of git's output becomes events while git still writes the next. Nothing
    for an unborn branch or an unknown revision."""
    walk = Walk([], [], Activity([], [], []))
    reader = _Reader(walk)
    if not _stream(root, revs, reader.columns):
        return Walk([], [], Activity([], [], []))
    return walk


def trailer_events(root: Path, rev: str = "HEAD") -> tuple[list[Event], list[str], set[str]]:
    """Events from trailers, problems, and the ids of every commit in the history."""
    walk = scan_rows(root, [rev])
    return list(map(Event._make, walk.rows)), walk.problems, {b.hex() for b in walk.activity.order}


class _Reader:
    """Turns whole records, as one list of fields, into a Walk. One object per distinct
    author and trailer block: histories repeat both thousands of times, so each is parsed
    once, and the event-log cache stores each once."""

    def __init__(self, walk: Walk) -> None:
        self.walk = walk
        self.plans: dict[str, Plan] = {}
        self.authors: dict[tuple[str, str], str] = {}

    def columns(self, fields: list[str]) -> None:
        shas = fields[0::WIDTH]
        emails, parents, blocks = fields[2::WIDTH], fields[4::WIDTH], fields[5::WIDTH]
        when = _seconds(fields[3::WIDTH])
        activity = self.walk.activity
        activity.order.extend(_binary_ids(shas))
        activity.when.extend(when)
        activity.who.extend(
            ["" if " " in p else e.lower() for e, p in zip(emails, parents, strict=True)]
        )
        for i in compress(range(len(blocks)), blocks):  # the commits with a trailer block
            self._trailers(shas[i], fields[i * WIDTH + 1], emails[i], when[i], blocks[i])

    def _trailers(self, sha: str, name: str, email: str, seconds: int, block: str) -> None:
        plan = self.plans.get(block)
        if plan is None:
            plan = self.plans[block] = plan_block(tuple(parse_trailer_block(block)))
        found, errors = plan
        if found:
            author = self.authors.get((name, email))
            if author is None:
                author = self.authors[(name, email)] = f"{name} <{email}>"
            self.walk.rows.extend(plan_rows(sha, _stamp(seconds), author, found))
        if errors:
            self.walk.problems.extend(f"commit {sha[:10]}: {err}" for err in errors)


def _seconds(column: list[str]) -> list[int]:
    """Author times; one of more than 12 digits (past the year 33658) is crafted, read as 0,
    the epoch, as git shows a time too large for it. git writes digits only, so the whole
    column is converted at once, and checked one by one only when that fails."""
    try:
        times = list(map(int, column))
        if max(times, default=0) <= _LAST_SECOND and min(times, default=0) >= 0:
            return times
    except ValueError:
        pass
    return [int(t) if t.isdigit() and len(t) <= 12 else 0 for t in column]


def _stamp(seconds: int) -> str:
    """The author date as events write it, and as `git log` prints it with LOG_DATE."""
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(seconds))
    except (OverflowError, OSError, ValueError):  # a C library with a smaller range
        return "1970-01-01T00:00:00.000Z"


def _binary_ids(shas: list[str]) -> list[bytes]:
    """The id column in binary, checked: were a field ever to hold a NUL, every field after
    it would shift, and the ids would be something else (an error, not history)."""
    width = len(shas[0]) if shas else 40
    joined = "".join(shas)
    try:
        blob = bytes.fromhex(joined) if width in (40, 64) else b""
    except ValueError:
        blob = b""
    if len(blob) * 2 != len(joined) or set(map(len, shas)) - {width}:
        raise _unsplit()
    step = width // 2
    return [blob[at : at + step] for at in range(0, len(blob), step)]


def _unsplit() -> Exception:
    from gitmilestone.errors import MilestoneError

    return MilestoneError(
        "git log printed a commit record that cannot be split into its fields",
        "run `git fsck` to find a damaged commit; report the git version if it is clean",
    )


def _stream(root: Path, revs: list[str], each: Callable[[list[str]], None]) -> bool:
    """Feed `each` the fields of `git log REVS`, whole records at a time; False when git
    failed. Read in blocks of _BLOCK bytes: git fills the (widened) pipe while a block is
    parsed, and parsing is faster than git writes, so git never waits, and the parser's
    cost per block is paid a few dozen times, not once per commit or two."""
    import codecs

    cmd = ["git", "log", "-z", f"--format={HISTORY_FORMAT}", "--end-of-options", *revs, "--"]
    # A character cut in two by a block's end is decoded with the next block.
    decode = codecs.getincrementaldecoder("utf-8")("replace").decode
    tail = ""
    with subprocess.Popen(
        cmd, cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=environment()
    ) as proc:
        assert proc.stdout is not None
        _widen(proc.stdout)
        while block := proc.stdout.read(_BLOCK):
            fields = (tail + decode(block)).split("\0")
            whole = (len(fields) - 1) // WIDTH * WIDTH
            tail = "\0".join(fields[whole:])
            if whole:
                each(fields[:whole])
    if proc.returncode == 0 and (tail + decode(b"", True)):
        raise _unsplit()  # a record cut short, though git finished well
    return proc.returncode == 0


def _widen(pipe: IO[bytes]) -> None:
    """A 1 MiB pipe instead of 64 KiB, so git goes on writing while a block is parsed
    (Linux; elsewhere a no-op)."""
    try:
        import fcntl

        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), _PIPE)
    except (ImportError, OSError):
        pass
