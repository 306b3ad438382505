"""A local cache of milestone files parsed and checked, keyed by blob id: for the commands
that read the plan at revisions (`diff`, .git/milestones/blobs.cache) and for the file tier's
reads of the work tree (parsed.cache, see Store.milestones). A blob id names its bytes, so an
entry is true for as long as the schema it was checked against and the code that checked it:
the schema's digest and the git-milestone version are part of the file, and a different one
empties the cache. Never committed, never the source of truth; missing, unreadable or
foreign, it is simply rebuilt."""

from __future__ import annotations

import hashlib
import marshal
import os
from pathlib import Path
from typing import Any

from gitmilestone import __version__
from gitmilestone.resources import schema_bytes

VERSION = 2
NAME = "blobs.cache"
KEEP = 50_000  # entries: a few revisions of a 10,000-milestone plan


class BlobCache:
    def __init__(self, folder: Path, name: str = NAME, keep: int = KEEP) -> None:
        self.path = folder / name
        self.keep = keep
        schema = hashlib.sha1(schema_bytes("milestone")).hexdigest()
        self._stamp = (VERSION, schema, __version__)
        self._old = self._load()
        self._used: dict[str, Any] = {}
        self._fresh = False

    def get(self, blob: str) -> Any:
        data = self._used.get(blob)
        if data is None:
            data = self._old.get(blob)
            if data is not None:
                self._used[blob] = data
        return data

    def put(self, blob: str, data: Any) -> None:
        self._used[blob] = data
        self._fresh = True

    def _load(self) -> dict[str, Any]:
        try:
            stamp, entries = marshal.loads(self.path.read_bytes())
            return entries if tuple(stamp) == self._stamp and isinstance(entries, dict) else {}
        except (OSError, ValueError, EOFError, TypeError):
            return {}

    def save(self) -> None:
        """Write atomically when something new was parsed; the entries used in this run are
        kept first. A cache that cannot be written (read-only .git) is simply not kept."""
        if not self._fresh:
            return
        entries = dict(self._used)
        for blob, data in self._old.items():
            if len(entries) >= self.keep:
                break
            entries.setdefault(blob, data)
        import tempfile  # only when something new is kept

        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".blobs.", dir=self.path.parent)
        except OSError:
            return
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(marshal.dumps((self._stamp, entries)))
            os.replace(tmp, self.path)
        except (OSError, ValueError):
            Path(tmp).unlink(missing_ok=True)
