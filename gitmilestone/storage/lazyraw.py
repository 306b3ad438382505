"""A milestone file's parsed data, read from the index only when it is asked for.

Whole-plan views read a few keys of each file (the id, the risks for the alerts); the rest of
the mapping stays packed in the index until a command asks for it, and is then read once.
"""

from __future__ import annotations

import marshal
import sqlite3
from collections.abc import Iterator, Mapping
from typing import Any

EAGER = ("id", "risks")  # keys whole-plan views read from the raw data (risk alerts)


class Raw(Mapping[str, Any]):
    """A file's parsed data, read from the index only when a key beyond EAGER is asked for:
    whole-plan views never unpack the thousands of mappings nobody looks at."""

    __slots__ = ("_blob", "_db", "_eager", "_full")

    def __init__(self, db: str, blob: str, eager: dict[str, Any]) -> None:
        self._db, self._blob, self._eager = db, blob, eager
        self._full: dict[str, Any] | None = None

    def __reduce__(self) -> tuple[Any, ...]:
        return (Raw, (self._db, self._blob, self._eager))

    def full(self) -> dict[str, Any]:
        if self._full is None:
            self._full = _fetch(self._db, self._blob)
        return self._full

    def __getitem__(self, key: str) -> Any:
        if key in self._eager:
            return self._eager[key]
        return self.full()[key]

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._eager:
            return self._eager[key]
        return self.full().get(key, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self.full())

    def __len__(self) -> int:
        return len(self.full())

    def __eq__(self, other: object) -> bool:
        return self.full() == (other.full() if isinstance(other, Raw) else other)

    __hash__ = None  # type: ignore[assignment]


_READERS: dict[str, sqlite3.Connection] = {}


def _fetch(db: str, blob: str) -> dict[str, Any]:
    """The full data of `blob`, from the index that holds it (one connection per process)."""
    row = None
    for _ in range(2):  # a second time on a new connection: the index may have been rebuilt
        if db not in _READERS:
            _READERS[db] = sqlite3.connect(db, timeout=2.0)
        try:
            query = _READERS[db].execute("SELECT data FROM blobs WHERE blob = ?", (blob,))
            row = query.fetchone()
        except sqlite3.DatabaseError:  # replaced by a damaged file since this connection opened
            row = None
        if row is not None:
            break
        _READERS.pop(db).close()
    if row is None:
        raise LookupError(f"{blob} is no longer in {db}: run `git milestone storage rebuild`")
    data: dict[str, Any] = marshal.loads(row[0])
    return data
