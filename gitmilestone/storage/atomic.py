"""Atomic, compare-and-swap file writes guarded by a git-style `<file>.lock`."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from gitmilestone.errors import ConflictError, MilestoneError


@contextlib.contextmanager
def locked(path: Path, shown: str) -> Iterator[None]:
    """Hold `<path>.lock` the way git holds index.lock: one writer at a time."""
    lock = path.with_name(path.name + ".lock")
    try:
        fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    except FileExistsError:
        raise ConflictError(
            "the file is being changed by another git-milestone process",
            f"wait and retry; if no other process runs, remove {shown}.lock",
            path=shown,
        ) from None
    except OSError as exc:
        raise MilestoneError(
            f"cannot write next to {shown}: {exc.strerror}",
            "check that the folder is writable",
            path=shown,
        ) from None
    try:
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def check_writable(path: Path, shown: str) -> None:
    """Honour a read-only file even for root, who could otherwise write anything."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise MilestoneError(
            "file is read-only",
            f"make it writable (chmod u+w {shown}) if you mean to change it",
            path=shown,
        )


def write_text(path: Path, text: str, shown: str, expected: str | None = None) -> None:
    """Replace `path` with `text` in one rename. With `expected`, refuse if the file changed
    since it was read (another writer), so nothing is silently lost."""
    check_writable(path, shown)
    with locked(path, shown):
        if expected is not None:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != expected:
                raise ConflictError(
                    "file changed while git-milestone was updating it; nothing was written",
                    "run the command again",
                    path=shown,
                )
        _replace(path, text)


def _replace(path: Path, text: str) -> None:
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def create_text(path: Path, text: str, shown: str) -> None:
    """Write a new file; refuse to overwrite one that exists."""
    with locked(path, shown):
        if path.exists():
            raise ConflictError(
                "file already exists; nothing was written", "choose another name", path=shown
            )
        _replace(path, text)


def move(src: Path, dst: Path, text: str, shown_src: str, shown_dst: str) -> None:
    """Write `text` to `dst` (which must not exist), then remove `src`: never both missing."""
    check_writable(src, shown_src)
    create_text(dst, text, shown_dst)
    src.unlink()
