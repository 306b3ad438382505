"""Has the plan or its history changed? Answered from file metadata alone, without running git:
HEAD, the branch it points at, packed-refs, the notes ref, the queue of pending events and every
file under .milestones/. Cheap enough to ask twice a second."""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from gitmilestone.git.repo import RepoPaths

NOTES_REF = "refs/notes/milestones"
INTERVAL = 0.5  # seconds between two looks: at most twice a second


def _stat(path: Path) -> str:
    try:
        st = path.stat()
    except OSError:
        return f"{path}:-"
    return f"{path}:{st.st_mtime_ns}:{st.st_size}"


def _tree(folder: Path) -> Iterator[str]:
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in sorted(entries, key=lambda e: e.name):
        if entry.is_dir(follow_symlinks=False):
            yield from _tree(Path(entry.path))
        else:
            st = entry.stat(follow_symlinks=False)
            yield f"{entry.path}:{st.st_mtime_ns}:{st.st_size}"


def signals(paths: RepoPaths) -> list[str]:
    head = paths.git_dir / "HEAD"
    try:
        target = head.read_text(encoding="utf-8").strip()
    except OSError:
        target = ""
    out = [f"HEAD={target}", _stat(head)]
    if target.startswith("ref: refs/"):
        out.append(_stat(paths.common_dir / target[5:]))
    for rel in ("packed-refs", NOTES_REF, "milestones/pending-events.jsonl"):
        out.append(_stat(paths.common_dir / rel))
    out.extend(_tree(paths.milestones))
    return out


def fingerprint(paths: RepoPaths) -> str:
    """A short hash of every signal: equal while nothing changed."""
    return hashlib.sha256("\n".join(signals(paths)).encode()).hexdigest()[:16]


def changes(
    paths: RepoPaths,
    interval: float = INTERVAL,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[str]:
    """The current fingerprint, then each new one as soon as it differs (checked every
    `interval` seconds)."""
    from gitmilestone.core.nogc import collecting

    collecting()  # runs until stopped
    last = fingerprint(paths)
    yield last
    while True:
        sleep(interval)
        now = fingerprint(paths)
        if now != last:
            last = now
            yield now
