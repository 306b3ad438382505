"""Whole-plan views kept in the index between commands.

A whole-plan view (the dashboard's data, `status --json`, `list`) follows from the milestone
files, the config files, the facts of this branch and the day, and from nothing else. In the
hybrid and database tiers its result is kept in index.db under a key that names all of them:

- every milestone file's path and blob id (from the index's stat cache: nothing is parsed),
- the bytes of every file in .milestones/config/,
- HEAD, the tip of the notes ref, the events waiting for a commit, the session open here,
- today's date and the git-milestone version (through the index's own fingerprint).

So the next command on an unchanged repository reads the view back instead of loading
thousands of milestones and solving their network again; any change to any of those inputs
is a new key, and the view is computed afresh. A view whose figures run with the clock
(time spent in an open session) is kept for the minute it was computed in. Warnings met while
computing are kept with the view and shown again on every read, so a read from the index says
what a fresh one would.

The file tier has no index: there the milestone files are hashed as they are read (a few
dozen small files), and the last few views are kept in .git/milestones/views.cache, so a warm
`status` of a small plan loads neither the model nor the use cases either.
"""

from __future__ import annotations

import hashlib
import marshal
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from gitmilestone.core import clock
from gitmilestone.storage import journal
from gitmilestone.workspace import Workspace

TYPE_CHECKING = False
if TYPE_CHECKING:
    from gitmilestone.storage.blobcache import BlobCache

T = TypeVar("T")
VIEWS_FILE = "views.cache"  # the file tier's kept views
# The views `status` prints as text (at the simple level, and the dashboard level off a
# terminal), which launch.py prints without the command line.
STATUS_LINES = "status lines"
DASHBOARD_LINES = "status dashboard lines"
VIEWS_KEPT = 16  # views of the file tier: a few commands, each at a few recent states

Volatile = Callable[[Any], bool]  # does this value run with the clock?


def remembered(
    ws: Workspace, name: str, compute: Callable[[], T], volatile: Volatile | None = None
) -> T:
    """`compute()`, or the value it gave for the same inputs before. `volatile(value)` says
    whether the value runs with the clock (then it is kept for the current minute only)."""
    return remembered_as(ws, view_key(ws, name), name, compute, volatile)


def remembered_as(
    ws: Workspace,
    key: str | None,
    name: str,
    compute: Callable[[], T],
    volatile: Volatile | None = None,
) -> T:
    """`remembered` under a key the caller made (None: nothing is kept)."""
    started = time.perf_counter()
    if key is None:
        return compute()
    found = _recalled(ws, key, name, started)
    if found is not None:
        return found[0]  # type: ignore[no-any-return]
    value = compute()  # values are plain data (dicts, lists, text, numbers): marshal keeps them
    minute = clock.stamp()[:16] if volatile is not None and volatile(value) else ""
    _keep(ws, key, (value, list(ws.reported), minute))
    _log(ws, name, False, started)
    return value


def recall(ws: Workspace, name: str) -> Any | None:
    """The view kept under `name` for the repository as it is now, its warnings reported
    again; None when there is none (nothing is computed, nothing logged)."""
    key = view_key(ws, name)
    found = None if key is None else _recalled(ws, key, name, time.perf_counter())
    return None if found is None else found[0]


def _recalled(ws: Workspace, key: str, name: str, started: float) -> tuple[Any] | None:
    found = _read(ws, key)
    if found is None:
        return None
    value, warnings = found
    for line in warnings:
        ws.warn(line)
    _log(ws, name, True, started)
    return (value,)


def _log(ws: Workspace, name: str, hit: bool, started: float) -> None:
    """One line per view read in the performance log, for `storage status`'s hit rate."""
    ms = round((time.perf_counter() - started) * 1000, 1)
    journal.log(ws.paths.local_dir, journal.PERFORMANCE, "view_read", view=name, hit=hit, ms=ms)


def view_key(ws: Workspace, name: str) -> str | None:
    """The key of view `name` on this repository now; None in the file tier, or where the
    index cannot be opened (the view is then computed, as in the file tier)."""
    base: str | None = ws.memo("view_key", lambda: _inputs(ws))
    if base is None:
        return None
    return hashlib.sha1(f"{name}\0{clock.today().isoformat()}\0{base}".encode()).hexdigest()


def _inputs(ws: Workspace) -> str | None:
    named = plan_files(ws)
    if named is None and file_tier(ws):
        named = _hashed_files(ws)
    if named is None:
        return None
    digest = hashlib.sha1()
    for (path, location), blob in zip(*named, strict=True):
        digest.update(f"{location}/{path.name}\0{blob}\n".encode())
    digest.update(config_digest(ws).encode())
    digest.update(_facts(ws).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


Files = list[tuple[Path, str]]  # (path, location) of each milestone file, in plan order


def plan_files(ws: Workspace) -> tuple[Files, list[str]] | None:
    """The plan's files and the blob id of each (from the index's stat cache: nothing is
    parsed); None in the file tier, or where the index cannot be opened."""
    return ws.memo("plan_files", lambda: _plan_files(ws))


def _plan_files(ws: Workspace) -> tuple[Files, list[str]] | None:
    store = ws.store
    files = store.files()
    if store.tier(len(files)).tier == "file":
        return None
    paths = [path for path, _ in files]
    try:
        idx = store.open_index()
        try:
            blobs = idx.blob_ids(paths, lambda p: store.read_bytes(p, ws.paths.rel(p)))
        finally:
            idx.close()
    except (sqlite3.Error, OSError):
        return None
    return files, blobs


def file_tier(ws: Workspace) -> bool:
    return ws.memo("file_tier", lambda: ws.store.tier(len(ws.store.files())).tier == "file")


def _hashed_files(ws: Workspace) -> tuple[Files, list[str]]:
    """The file tier's files and the blob id of each, from their bytes."""
    from gitmilestone.storage.index import blob_id

    files = ws.store.files()
    return files, [blob_id(ws.store.read_bytes(p, ws.paths.rel(p))) for p, _ in files]


def config_digest(ws: Workspace) -> str:
    """A digest of the bytes of every file in .milestones/config/."""

    def compute() -> str:
        digest = hashlib.sha1()
        folder = ws.paths.milestones / "config"
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            if path.is_file():
                digest.update(f"{path.name}\0".encode())
                digest.update(ws.store.read_bytes(path, ws.paths.rel(path)))
        return digest.hexdigest()

    return ws.memo("config_digest", compute)


def _facts(ws: Workspace) -> str:
    """What the branch's facts are read from: HEAD's history, the notes, the waiting events
    and the session open in this work tree."""
    from gitmilestone.git import branchwait, eventlog, notewrite
    from gitmilestone.git.localstate import active_session
    from gitmilestone.git.where import current_branch

    # A ref that names no notes commit (damage) is in the key too: the view is computed,
    # which reports the damage and keeps nothing.
    tip = eventlog.notes_tip(ws.paths.root)
    common = ws.paths.common_dir
    waiting = [_text(p) for p in notewrite.waiting_files(common)]
    branch = current_branch(str(ws.paths.root))
    session = active_session(common, ws.paths.git_dir)
    return repr((ws.head, tip, waiting, branch, branchwait.read(common, branch), session))


def _text(path: str) -> str:
    try:
        with open(path, encoding="utf-8", errors="surrogateescape") as fh:
            return fh.read()
    except OSError:
        return ""


def _read(ws: Workspace, key: str) -> tuple[Any, list[str]] | None:
    try:
        if file_tier(ws):
            raw = _views_file(ws).get(key)
        else:
            idx = ws.store.open_index()
            try:
                raw = idx.view(key)
            finally:
                idx.close()
        if not isinstance(raw, bytes):
            return None
        value, warnings, minute = marshal.loads(raw)
    except (sqlite3.Error, OSError, ValueError, EOFError, TypeError):
        return None  # unreadable: computed afresh, and kept again
    if minute and minute != clock.stamp()[:16]:
        return None
    return value, list(warnings)


def _keep(ws: Workspace, key: str, entry: tuple[Any, list[str], str]) -> None:
    try:
        raw = marshal.dumps(entry)
    except ValueError:
        return  # a value marshal cannot write is computed each time
    if file_tier(ws):
        kept = _views_file(ws)
        kept.put(key, raw)
        kept.save()
        return
    try:
        idx = ws.store.open_index()
        try:
            idx.keep_view(key, raw)
        finally:
            idx.close()
    except (sqlite3.Error, OSError):
        pass  # the index is only a cache


def _views_file(ws: Workspace) -> BlobCache:
    """The file tier's kept views (keyed like the index's: the key names every input)."""
    from gitmilestone.storage.blobcache import BlobCache

    return ws.memo("views_file", lambda: BlobCache(ws.paths.local_dir, VIEWS_FILE, VIEWS_KEPT))
