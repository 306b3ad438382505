"""Writing events so that none is lost when writers race: notes by compare-and-swap on
refs/notes/milestones, and the pending-events file under an advisory lock. Stdlib only, and
shared by the commands (subprocess) and the post-commit hook (posix_spawn): each passes its own
way of running git as `run(*args, stdin=None) -> (exit code, stdout)`.

`git notes append` rewrites the notes ref without checking what it pointed at, so two writers
at once keep only one note commit. Here each note commit is built on a private ref, on top of
the notes commit read first, and the shared ref moves only if it still points there
(`update-ref NEW OLD`); a writer that lost the race builds again on the new tip.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable

    Run = Callable[..., tuple[int, str]]

NOTES_REF = "refs/notes/milestones"
TMP_PREFIX = "refs/notes/milestones-tmp/"
PENDING_NAME = "pending-events.jsonl"
TAKEN_MARK = ".taken-"
_PATIENCE = 30.0  # seconds of racing other writers (20 at once settle in well under one)
_STUCK = 2.0  # seconds the ref may stay locked without moving


def append_note(run: Run, commit: str, lines: str, root: str | None = None) -> str | None:
    """Append `lines` to the note on `commit`, losing no concurrent writer's events. Returns
    None on success, else what stopped it (the notes ref stayed locked, say). Given the work
    tree's `root`, refs are read (and the private ref made) from git's files where they have
    the plain form: two git processes fewer on every commit that records an event."""
    import time

    tmp = f"{TMP_PREFIX}{os.getpid()}-{os.urandom(4).hex()}"
    moved = started = time.monotonic()
    old, problem, attempt, built = None, None, 0, False
    try:
        while True:
            now = _tip(run, root)
            if now != old or problem is not None:  # another writer moved it: build again
                problem = _build(run, root if not built else None, tmp, now, commit, lines)
                old, moved, built = now, time.monotonic(), True
            if problem is None and run("update-ref", "--stdin", stdin=_swap(tmp, old))[0] == 0:
                tmp = ""  # the swap removed it
                return None
            # Writers that keep moving the ref are waited for; a ref that stays locked
            # without moving is another git command stuck (or killed) holding it.
            clock = time.monotonic()
            if clock - moved > _STUCK or clock - started > _PATIENCE:
                return problem or "the notes ref stayed locked by another git command"
            _pause(attempt)
            attempt += 1
    finally:
        if tmp:
            run("update-ref", "-d", "--", tmp)


def _tip(run: Run, root: str | None) -> str:
    if root is not None:
        from gitmilestone.git.headfile import ASK, ref_value

        found = ref_value(root, NOTES_REF)
        if found != ASK:
            return found or ""
    rc, out = run("rev-parse", "-q", "--verify", "--end-of-options", NOTES_REF)
    return out.strip() if rc == 0 else ""


def _build(run: Run, fresh: str | None, tmp: str, old: str, commit: str, lines: str) -> str | None:
    """A notes commit on `tmp`: `old` with `lines` appended to `commit`'s note. `fresh` is
    the work tree's root while `tmp` was never made (it can be written as a file)."""
    if fresh is not None and old:
        from gitmilestone.git.headfile import write_private_ref

        made = write_private_ref(fresh, tmp, old)
    else:
        made = fresh is not None  # a ref never made needs no deleting
    if not made:
        rc, _ = run("update-ref", "--", tmp, old) if old else run("update-ref", "-d", "--", tmp)
        if rc != 0:
            return "cannot create a temporary notes ref"
    rc, _ = run("notes", f"--ref={tmp}", "append", "-F", "-", "--end-of-options", commit,
                stdin=lines)  # fmt: skip
    return None if rc == 0 else f"git notes append on {commit[:10]} failed"


def _swap(tmp: str, old: str) -> str:
    """One transaction: the notes ref moves from `old` (or from nothing) to the new commit,
    and the temporary ref goes."""
    move = f"update {NOTES_REF} {tmp} {old}" if old else f"create {NOTES_REF} {tmp}"
    return f"{move}\ndelete {tmp}\n"


def _pause(attempt: int) -> None:
    import time

    # Random, growing waits, so racing writers do not meet again in step.
    time.sleep(min(0.05, 0.003 * (attempt + 1)) * (0.5 + os.urandom(1)[0] / 255))


# -- the pending-events file -----------------------------------------------------------------


def pending_path(common_dir: str | os.PathLike[str]) -> str:
    return os.path.join(os.fspath(common_dir), "milestones", PENDING_NAME)


def queue(common_dir: str | os.PathLike[str], lines: str) -> None:
    """Append lines to the pending file, durably (fsync'd) and whole: writers hold an
    advisory lock, and write to the file at the path, never to one a taker moved away."""
    path = pending_path(common_dir)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    data = lines.encode("utf-8", "surrogateescape")
    while True:
        fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            _lock(fd)
            if _same_file(fd, path):
                _write_all(fd, data)
                os.fsync(fd)
                return
        finally:
            os.close(fd)  # closing releases the lock


def take(common_dir: str | os.PathLike[str]) -> tuple[list[str], str]:
    """Move the pending file aside under the lock and read it, with any file a taker killed
    mid-way left behind. Returns the files taken (delete them once their events are written)
    and their text. A writer that comes later starts a new pending file."""
    path = pending_path(common_dir)
    taken: list[str] = _orphans(path)
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        fd = -1
    if fd >= 0:
        try:
            _lock(fd)
            if _same_file(fd, path):
                mine = f"{path}{TAKEN_MARK}{os.getpid()}-{os.urandom(4).hex()}"
                os.replace(path, mine)
                taken.append(mine)
        finally:
            os.close(fd)
    return taken, "".join(map(_read, taken))


def _orphans(path: str) -> list[str]:
    """Files taken by a process that is gone (killed before it wrote their events)."""
    folder, name = os.path.split(path)
    found = []
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    for other in names:
        if other.startswith(name + TAKEN_MARK) and not alive(other[len(name + TAKEN_MARK) :]):
            found.append(os.path.join(folder, other))
    return sorted(found)


def alive(tag: str) -> bool:
    """Whether the process whose id `tag` starts with (`<pid>-...`) still runs."""
    pid = tag.split("-", 1)[0]
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def waiting_files(common_dir: str | os.PathLike[str]) -> list[str]:
    """Every file whose events wait: the pending file and files taken but not yet written."""
    path = pending_path(common_dir)
    folder, name = os.path.split(path)
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [os.path.join(folder, n) for n in names if n == name or n.startswith(name + TAKEN_MARK)]


def _read(path: str) -> str:
    try:
        with open(path, "rb") as fh:
            return fh.read().decode("utf-8", "surrogateescape")
    except OSError:
        return ""


def forget(taken: list[str]) -> None:
    for path in taken:
        try:  # noqa: SIM105 - contextlib would cost the post-commit hook an import
            os.unlink(path)
        except OSError:
            pass


def _lock(fd: int) -> None:
    import fcntl

    fcntl.flock(fd, fcntl.LOCK_EX)


def _same_file(fd: int, path: str) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]
