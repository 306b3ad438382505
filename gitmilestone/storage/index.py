"""The local SQLite index of the plan files: parsed, validated content keyed by blob id.

Kept in .git/milestones/index.db: never committed, never the source of truth, rebuildable at
any time. A file whose bytes were seen before (on any branch, in any work tree) is never parsed
or validated again: its blob id (the sha1 git gives the same bytes) finds the parsed data. A
file whose size and modification time are those recorded for its path is not even read, as
git's index does; a file changed within the last seconds is recorded without its time, so an
edit in the same clock tick is never missed.

SQLite in WAL mode: one writer at a time, readers never blocked. Each fill is one transaction,
so a process killed at any point leaves the old or the new index. An index that cannot be read,
or that was written by another version or for other schemas, is rebuilt with a one-line notice.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from gitmilestone.storage.lazyraw import EAGER, Raw

VERSION = 5
NAME = "index.db"
# A file modified this recently is re-read next time: an edit within the same tick of the
# file system's clock would keep its time. Whole-second times (coarse file systems) need a
# wide margin; nanosecond times a narrow one, so a fresh clone's files are trusted by `sync`.
RACY_COARSE_NS = 3_000_000_000
RACY_FINE_NS = 50_000_000

_TABLES = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS blobs (blob TEXT PRIMARY KEY, data BLOB NOT NULL,"
    " obj BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL,"
    " size INTEGER NOT NULL, blob TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS tasks (blob TEXT NOT NULL, milestone TEXT NOT NULL,"
    " task TEXT NOT NULL, status TEXT, hours REAL)",
    "CREATE INDEX IF NOT EXISTS tasks_blob ON tasks (blob)",
    "CREATE TABLE IF NOT EXISTS views (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " used INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ids (blob TEXT PRIMARY KEY, id TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS cards (key TEXT PRIMARY KEY, value BLOB NOT NULL,"
    " used INTEGER NOT NULL)",
)
KEPT_VIEWS = 16  # whole-plan views kept (see commands/viewmemo.py); the least recent go
# Milestone cards kept (commands/plancards.py): twice the plan's and a few, so a branch's and
# main's fit side by side; the least recently written go, once a quarter more have gathered.
CARDS_PER_MILESTONE = 2
CARDS_SPARE = 16

Read = Callable[[Path, str], bytes]  # a file's bytes (path, shown path), refusing symlinks out
Parse = Callable[[bytes, str], dict[str, Any]]  # file bytes, shown path -> validated data
Make = Callable[[dict[str, Any], "Raw"], Any]  # validated data, its lazy form -> object kept


def blob_id(data: bytes) -> str:
    """The id git gives these bytes as a blob (`git hash-object`), without running git."""
    h = hashlib.sha1(b"blob %d\x00" % len(data))
    h.update(data)
    return h.hexdigest()


class Index:
    """One open index.db. `fingerprint` names the schemas and code the data was checked with;
    an index written under another fingerprint is rebuilt, never trusted."""

    def __init__(self, path: Path, fingerprint: str, notice: Callable[[str], None]) -> None:
        self.path = path
        self.fingerprint = fingerprint
        self.notice = notice
        self.hits = 0
        self.misses = 0
        self.stat_hits = 0
        self.db = self._open()

    # -- opening ---------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        try:
            db = self._connect()
            found = dict(db.execute("SELECT key, value FROM meta").fetchall())
            if found.get("version") == str(VERSION) and found.get("fingerprint") == (
                self.fingerprint
            ):
                return db
            if found:
                self.notice(f"{self.path.name} was written by another version: rebuilding it")
            db.close()
        except sqlite3.DatabaseError as exc:
            self.notice(f"{self.path.name} is unreadable ({exc}): rebuilding it")
        return self._create()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=2.0, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for sql in _TABLES:
            db.execute(sql)
        return db

    def _create(self) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                Path(str(self.path) + suffix).unlink()
        db = self._connect()
        with _transaction(db):
            db.executemany(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                [("version", str(VERSION)), ("fingerprint", self.fingerprint)],
            )
        return db

    def close(self) -> None:
        self.db.close()

    # -- reading the plan ------------------------------------------------------------------

    def load(
        self, files: list[tuple[Path, str]], read: Read, parse: Parse, make: Make
    ) -> list[Any]:
        """The object `make` builds from each file's data, in order, as kept in the index
        (pickled, its full data behind a lazy Raw). New or changed files are read, parsed and
        checked; what was learned is written back in one transaction."""
        known = {
            p: (m, s, b)
            for p, m, s, b in self.db.execute("SELECT path, mtime_ns, size, blob FROM files")
        }
        wanted: list[tuple[str, bytes | None]] = []
        stat_rows: list[tuple[str, int, int, str]] = []
        for path, shown in files:
            key = str(path)
            st = path.lstat()
            row = known.get(key)
            if row is not None and _unchanged(row, st):
                self.stat_hits += 1
                wanted.append((row[2], None))
                continue
            data = read(path, shown)
            blob = blob_id(data)
            mtime = 0 if _racy(st.st_mtime_ns) else st.st_mtime_ns
            stat_rows.append((key, mtime, st.st_size, blob))
            wanted.append((blob, data))
        names = [shown for _, shown in files]
        return self._resolve(wanted, names, stat_rows, _builder(str(self.path), parse, make))

    def _resolve(
        self,
        wanted: list[tuple[str, bytes | None]],
        shown: list[str],
        stat_rows: list[tuple[str, int, int, str]],
        build: Callable[[bytes, str, str], tuple[dict[str, Any], Any]],
    ) -> list[Any]:
        import pickle  # only when milestones are loaded: a view read back needs none

        cached = self._objects([b for b, _ in wanted])
        out: list[Any] = []
        new: list[tuple[str, dict[str, Any], bytes]] = []
        try:
            for (blob, data), name in zip(wanted, shown, strict=True):
                if blob not in cached:
                    if data is None:  # a file's row names content the index does not hold
                        raise sqlite3.DatabaseError(f"{name}: its content is not in the index")
                    self.misses += 1
                    parsed, obj = build(data, name, blob)
                    cached[blob] = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
                    new.append((blob, parsed, cached[blob]))
                else:
                    self.hits += 1
                out.append(_unpickle(cached[blob]))
        finally:
            # A file that failed to parse keeps no row: the next read parses it (and reports
            # what is wrong with it) again.
            self._write(new, [row for row in stat_rows if row[3] in cached])
        return out

    def _objects(self, blobs: list[str]) -> dict[str, bytes]:
        if len(blobs) > 200:  # most of the plan: one scan beats many lookups
            rows = self.db.execute("SELECT blob, obj FROM blobs").fetchall()
            return dict(rows)
        found: dict[str, bytes] = {}
        for blob in blobs:
            row = self.db.execute("SELECT obj FROM blobs WHERE blob = ?", (blob,)).fetchone()
            if row is not None:
                found[blob] = row[0]
        return found

    def _write(
        self,
        new: list[tuple[str, dict[str, Any], bytes]],
        stat_rows: list[tuple[str, int, int, str]],
    ) -> None:
        """Record what was learned; when another process holds the write lock, skip: the next
        command records it."""
        if not new and not stat_rows:
            return
        try:
            with _transaction(self.db):
                self.db.executemany(
                    "INSERT OR REPLACE INTO blobs VALUES (?, ?, ?)",
                    [(b, marshal.dumps(d), obj) for b, d, obj in new],
                )
                self.db.executemany("DELETE FROM tasks WHERE blob = ?", [(b,) for b, _, _ in new])
                self.db.executemany(
                    "INSERT INTO tasks VALUES (?, ?, ?, ?, ?)",
                    [row for b, d, _ in new for row in _task_rows(b, d)],
                )
                self.db.executemany(
                    "INSERT OR REPLACE INTO ids VALUES (?, ?)",
                    [(b, str(d.get("id"))) for b, d, _ in new],
                )
                self.db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)", stat_rows)
        except sqlite3.OperationalError:
            pass  # busy or read-only: the index is only a cache

    def blob_ids(self, paths: list[Path], read: Callable[[Path], bytes]) -> list[str]:
        """The blob id of each file, from the stat cache where the file is unchanged, else
        from its bytes. Nothing is parsed and nothing written: this only names the plan."""
        known = {
            p: (m, s, b)
            for p, m, s, b in self.db.execute("SELECT path, mtime_ns, size, blob FROM files")
        }
        out = []
        for path in paths:
            row = known.get(str(path))
            if row is not None and _unchanged(row, os.lstat(path)):
                out.append(row[2])
            else:
                out.append(blob_id(read(path)))
        return out

    def view(self, key: str) -> bytes | None:
        row = self.db.execute("SELECT value FROM views WHERE key = ?", (key,)).fetchone()
        return None if row is None else bytes(row[0])

    def keep_view(self, key: str, value: bytes) -> None:
        """Keep a view's value; busy or read-only: skipped, the next command keeps it."""
        with contextlib.suppress(sqlite3.OperationalError), _transaction(self.db):
            self.db.execute(
                "INSERT OR REPLACE INTO views VALUES (?, ?, ?)", (key, value, time.time_ns())
            )
            self.db.execute(
                "DELETE FROM views WHERE key NOT IN"
                " (SELECT key FROM views ORDER BY used DESC LIMIT ?)",
                (KEPT_VIEWS,),
            )

    def milestone_ids(self) -> dict[str, str]:
        """blob -> the milestone ID in it, for every file parsed so far."""
        return dict(self.db.execute("SELECT blob, id FROM ids").fetchall())

    def cards(self, keys: list[str]) -> dict[str, bytes]:
        """The milestone cards kept under `keys` (those found)."""
        found: dict[str, bytes] = {}
        for at in range(0, len(keys), 500):  # under SQLite's limit on bound values
            part = keys[at : at + 500]
            marks = ",".join("?" * len(part))
            sql = f"SELECT key, value FROM cards WHERE key IN ({marks})"
            found.update(self.db.execute(sql, part).fetchall())  # BLOBs come as bytes
        return found

    def keep_cards(self, new: list[tuple[str, bytes]], plan_size: int) -> None:
        """Keep new cards; busy or read-only: skipped, the next command keeps them."""
        with contextlib.suppress(sqlite3.OperationalError), _transaction(self.db):
            now = time.time_ns()
            self.db.executemany(
                "INSERT OR REPLACE INTO cards VALUES (?, ?, ?)", [(k, v, now) for k, v in new]
            )
            kept = CARDS_PER_MILESTONE * plan_size + CARDS_SPARE
            (count,) = self.db.execute("SELECT count(*) FROM cards").fetchone()
            # Down to the bound once it is a quarter over: sorting them all on every write
            # would cost more than the write.
            if count > kept + kept // 4:
                self.db.execute(
                    "DELETE FROM cards WHERE key NOT IN"
                    " (SELECT key FROM cards ORDER BY used DESC LIMIT ?)",
                    (kept,),
                )

    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        # Busy: said again next time.
        with contextlib.suppress(sqlite3.OperationalError), _transaction(self.db):
            self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    # -- maintenance -----------------------------------------------------------------------

    def entries(self) -> dict[str, str]:
        """path -> blob of every file recorded."""
        return dict(self.db.execute("SELECT path, blob FROM files").fetchall())

    def data(self, blob: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT data FROM blobs WHERE blob = ?", (blob,)).fetchone()
        return None if row is None else marshal.loads(row[0])

    def forget(self, blobs: list[str]) -> None:
        with _transaction(self.db):
            self.db.executemany("DELETE FROM blobs WHERE blob = ?", [(b,) for b in blobs])
            self.db.executemany("DELETE FROM tasks WHERE blob = ?", [(b,) for b in blobs])
            self.db.executemany("DELETE FROM files WHERE blob = ?", [(b,) for b in blobs])
            self.db.executemany("DELETE FROM ids WHERE blob = ?", [(b,) for b in blobs])
            self.db.execute("DELETE FROM views")  # any of them may rest on what was wrong
            self.db.execute("DELETE FROM cards")

    def prune(self, keep_paths: set[str]) -> int:
        """Drop files no longer in the plan and blobs no file names; returns blobs dropped."""
        with _transaction(self.db):
            gone = [(p,) for p in self.entries() if p not in keep_paths]
            self.db.executemany("DELETE FROM files WHERE path = ?", gone)
            self.db.execute("DELETE FROM tasks WHERE blob NOT IN (SELECT blob FROM files)")
            self.db.execute("DELETE FROM ids WHERE blob NOT IN (SELECT blob FROM files)")
            cur = self.db.execute("DELETE FROM blobs WHERE blob NOT IN (SELECT blob FROM files)")
            return int(cur.rowcount)

    def task_totals(self) -> dict[str, int]:
        """Tasks of the files recorded, by declared status: one SQL query, no file read."""
        rows = self.db.execute(
            "SELECT t.status, count(*) FROM files f JOIN tasks t ON t.blob = f.blob"
            " GROUP BY t.status ORDER BY t.status"
        ).fetchall()
        return {str(status): int(n) for status, n in rows}

    def counts(self) -> dict[str, int]:
        one = self.db.execute
        return {
            "files": int(one("SELECT count(*) FROM files").fetchone()[0]),
            "blobs": int(one("SELECT count(*) FROM blobs").fetchone()[0]),
            "tasks": int(one("SELECT count(*) FROM tasks").fetchone()[0]),
            "views": int(one("SELECT count(*) FROM views").fetchone()[0]),
            "cards": int(one("SELECT count(*) FROM cards").fetchone()[0]),
        }


def _unchanged(row: tuple[int, int, str], st: os.stat_result) -> bool:
    """The stat cache's test, as git's index makes it: same time, same size. A symlink is
    never a hit: where it leads is checked on every read."""
    return (row[0], row[1]) == (st.st_mtime_ns, st.st_size) and not stat.S_ISLNK(st.st_mode)


def _racy(mtime_ns: int) -> bool:
    margin = RACY_COARSE_NS if mtime_ns % 1_000_000_000 == 0 else RACY_FINE_NS
    return time.time_ns() - mtime_ns < margin


def _unpickle(data: bytes) -> Any:
    """An entry that does not unpickle (damaged, or from other code) is index damage."""
    import pickle

    try:
        return pickle.loads(data)
    except Exception as exc:  # pickle raises many kinds: each means "not ours"
        raise sqlite3.DatabaseError(f"an entry does not decode: {exc!r}") from None


def _builder(
    db: str, parse: Parse, make: Make
) -> Callable[[bytes, str, str], tuple[dict[str, Any], Any]]:
    def build(data: bytes, shown: str, blob: str) -> tuple[dict[str, Any], Any]:
        parsed = parse(data, shown)
        return parsed, make(parsed, Raw(db, blob, {k: parsed[k] for k in EAGER if k in parsed}))

    return build


def _task_rows(blob: str, data: dict[str, Any]) -> Iterator[tuple[str, str, str, str, Any]]:
    """The tasks table: one row per task, for the whole-plan views answered in SQL."""
    for task in data.get("tasks") or ():
        hours = task.get("estimated_hours")
        yield (
            blob,
            str(data.get("id")),
            str(task.get("id")),
            str(task.get("status") or "pending"),
            hours if isinstance(hours, int | float) else None,
        )


@contextlib.contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE ... COMMIT: the write lock up front, all or nothing."""
    db.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
