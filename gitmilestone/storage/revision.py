"""The plan at a revision, read from blobs: no checkout, so it works in a bare repository.

Each file is parsed and checked by the same code as the work tree's (Store.parse, the same
schemas). A blob is parsed once per command: two revisions share most of their files, and an
unchanged blob is the same milestone on both sides.
"""

from __future__ import annotations

from typing import Any

from gitmilestone.core.model import Milestone
from gitmilestone.errors import InvalidFileError, MilestoneError
from gitmilestone.git.fork import both
from gitmilestone.git.objects import Objects
from gitmilestone.git.repo import MILESTONES_DIR
from gitmilestone.storage.blobcache import BlobCache
from gitmilestone.storage.store import LOCATIONS, Store
from gitmilestone.storage.templates import CONFIG_FILES

PARALLEL_FROM = 100  # files to parse: below this a second process costs more than it saves


class RevisionPlans:
    """Milestones and config at commits, parsed once per blob."""

    def __init__(self, store: Store, objects: Objects) -> None:
        self.store = store
        self.objects = objects
        self._parsed: dict[tuple[str, str], Milestone] = {}
        self.cache = BlobCache(store.paths.local_dir)

    def files(self, commit: str) -> list[tuple[str, str, str]]:
        """(blob, path, location) of every milestone file at `commit`, in path order."""
        out = []
        for location in LOCATIONS:
            blobs = self.objects.blobs(commit, f"{MILESTONES_DIR}/{location}")
            for path in sorted(blobs):
                if path.endswith(".yaml") and not path.rsplit("/", 1)[-1].startswith("."):
                    out.append((blobs[path], path, location))
        return out

    def milestones(self, commit: str) -> list[Milestone]:
        return [self._milestone(*f) for f in self.files(commit)]

    def prefetch(self, commits: list[str]) -> None:
        """Parse the files of `commits` the cache does not hold yet, half of them in a second
        process when there are many (a fresh CI clone parses the whole plan). A file that
        fails is left for milestones() to parse again and report."""
        todo = {blob: path for c in commits for blob, path, _ in self.files(c)}
        todo = {b: p for b, p in todo.items() if self.cache.get(b) is None}
        if len(todo) < PARALLEL_FROM:
            return
        items = sorted(todo.items())
        theirs, mine = both(
            lambda: self._parse_all(items[::2]), lambda: self._parse_all(items[1::2]), True
        )
        for blob, data in (theirs | mine).items():
            self.cache.put(blob, data)

    def _parse_all(self, items: list[tuple[str, str]]) -> dict[str, Any]:
        out = {}
        for blob, path in items:
            try:
                out[blob] = self.store.parse("milestone", self._text(blob, path), path)
            except MilestoneError:
                continue
        return out

    def _milestone(self, blob: str, path: str, location: str) -> Milestone:
        key = (blob, path)
        if key not in self._parsed:
            data = self.cache.get(blob)
            if data is None:
                data = self.store.parse("milestone", self._text(blob, path), path)
                self.cache.put(blob, data)
            self._parsed[key] = Milestone.from_dict(data, path=path, location=location)
        return self._parsed[key]

    def config(self, commit: str, kind: str = "milestone-config") -> dict[str, Any]:
        """The config file at `commit` over the defaults; the defaults alone without one."""
        path = f"{MILESTONES_DIR}/{CONFIG_FILES[kind][0]}"
        blob = self.objects.blob_at(commit, path)
        text = self._text(blob, path) if blob else None
        return self.store.config_from(kind, text, path)

    def _text(self, blob: str, path: str) -> str:
        try:
            return self.objects.read(blob).decode("utf-8")
        except UnicodeDecodeError:
            raise InvalidFileError("not UTF-8 text", "save the file as UTF-8", path=path) from None
