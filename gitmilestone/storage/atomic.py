"""Atomic, compare-and-swap file writes guarded by a git-style `<file>.lock`."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from gitmilestone.errors import ConflictError, MilestoneError

# Where writes may land: the work tree and the git directories of the repository a command
# runs in (set when it opens the repository). A cloned repository may hold a directory
# symlink (`.milestones/active -> /home/you`); nothing is ever written through it.
_ROOTS: list[Path] = []
# Where a file is written before it is renamed into place: inside the git directory, so a
# crash never leaves a temporary file that `git add -A` would commit.
_TEMP: list[Path] = []


def confine(*roots: Path, temp: Path | None = None) -> None:
    """Allow writes only under `roots` (resolved) from now on in this process; write
    temporary files in `temp`."""
    _ROOTS[:] = [Path(os.path.realpath(r)) for r in roots]
    _TEMP[:] = [temp] if temp is not None else []


def check_inside(path: Path, shown: str) -> None:
    """Refuse a write to `path` when its folder (symlinks resolved) is outside every root."""
    if not _ROOTS:
        return
    real = Path(os.path.realpath(path.parent)) / path.name
    if os.path.islink(path):
        real = Path(os.path.realpath(path))
    if not any(real.is_relative_to(root) for root in _ROOTS):
        raise MilestoneError(
            f"leads outside the repository (to {real}); nothing was written",
            "a symlink in the repository points elsewhere: replace it with a folder or file "
            "inside the repository",
            path=shown,
        )


class StaleFileError(ConflictError):
    """The file changed between reading it and writing it: another writer came first."""


LOCK_WAIT = 10.0  # seconds a writer waits for another one to finish


@contextlib.contextmanager
def locked(path: Path, shown: str, wait: float | None = None) -> Iterator[None]:
    """Hold `<path>.lock` the way git holds index.lock: one writer at a time. Another writer's
    lock is waited for (up to `wait` seconds); a lock whose process is gone is taken over."""
    check_inside(path, shown)
    lock = path.with_name(path.name + ".lock")
    wait = LOCK_WAIT if wait is None else wait
    deadline = time.monotonic() + wait
    pause = 0.005
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            if stale_lock(lock):
                with contextlib.suppress(FileNotFoundError):
                    lock.unlink()
                continue
            if time.monotonic() >= deadline:
                raise ConflictError(
                    f"the file is being changed by another git-milestone process ({wait:g}s)",
                    f"wait and retry; if no other process runs, remove {shown}.lock "
                    "(`git milestone doctor --fix` removes locks whose process is gone)",
                    path=shown,
                ) from None
            time.sleep(pause * (0.5 + os.urandom(1)[0] / 255))
            pause = min(pause * 2, 0.1)
        except OSError as exc:
            raise MilestoneError(
                f"cannot write next to {shown}: {exc.strerror}",
                "check that the folder is writable",
                path=shown,
            ) from None
    try:
        os.write(fd, f"{os.getpid()}\n".encode())
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(FileNotFoundError):
            lock.unlink()


def stale_lock(lock: Path, grace: float = 2.0) -> bool:
    """A lock left by a process that is gone (killed mid-write). A lock without a process id
    (being written this instant, or by an older version) counts as stale only once it is
    older than any write takes."""
    try:
        text = lock.read_text(encoding="utf-8", errors="replace").strip()
        age = time.time() - lock.stat().st_mtime
    except OSError:
        return False
    if not text.isdigit():
        return age > max(grace, LOCK_WAIT)
    try:
        os.kill(int(text), 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):
        return False
    return False


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


def write_text(
    path: Path,
    text: str,
    shown: str,
    expected: str | None = None,
    before: Callable[[], None] | None = None,
) -> None:
    """Replace `path` with `text` in one rename. With `expected`, refuse if the file changed
    since it was read (another writer), so nothing is silently lost. `before` runs under the
    lock just before the rename (to queue the event that describes the change)."""
    check_writable(path, shown)
    with locked(path, shown):
        if expected is not None:
            current = path.read_text(encoding="utf-8") if path.exists() else None
            if current != expected:
                raise StaleFileError(
                    "file changed while git-milestone was updating it; nothing was written",
                    "run the command again",
                    path=shown,
                )
        _replace(path, text, before)


def replace(path: Path, text: str, before: Callable[[], None] | None = None) -> None:
    """Replace `path` with `text` in one rename; the caller holds the lock (see locked)."""
    _replace(path, text, before)


def _replace(
    path: Path, text: str, before: Callable[[], None] | None = None, beside: bool = False
) -> None:
    check_inside(path, str(path))
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, tmp = _temp_file(path, beside)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        if before is not None:
            before()
        try:
            os.replace(tmp, path)
        except OSError as exc:
            if exc.errno != errno.EXDEV or beside:
                raise
            os.unlink(tmp)  # the git directory is on another file system: write beside
            _replace(path, text, beside=True)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _temp_file(path: Path, beside: bool) -> tuple[int, str]:
    import tempfile  # only when something is written: a read-only command never needs it

    prefix = f".{path.name}."
    for folder in [] if beside else _TEMP:
        with contextlib.suppress(OSError):
            folder.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=folder)
    return tempfile.mkstemp(prefix=prefix, suffix=".tmp", dir=path.parent)


def create_text(
    path: Path, text: str, shown: str, before: Callable[[], None] | None = None
) -> None:
    """Write a new file; refuse to overwrite one that exists."""
    with locked(path, shown):
        if path.exists():
            raise ConflictError(
                "file already exists; nothing was written", "choose another name", path=shown
            )
        _replace(path, text, before)


def move(src: Path, dst: Path, text: str, shown_src: str, shown_dst: str) -> None:
    """Write `text` to `dst` (which must not exist), then remove `src`: never both missing."""
    check_writable(src, shown_src)
    create_text(dst, text, shown_dst)
    src.unlink()
