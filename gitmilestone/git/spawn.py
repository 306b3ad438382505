"""Run git from a hook without importing `subprocess` (which alone costs a hook more than its
whole budget on a slow disk). os.posix_spawnp and two pipes are all a hook needs."""

from __future__ import annotations

import os

from gitmilestone.git.runner import environment


def git(cwd: str, *args: str, stdin: str | None = None, quiet: bool = False) -> tuple[int, str]:
    """`git ARGS` in `cwd`: (exit code, stdout). stderr goes where the hook's stderr goes, so
    git's own message reaches the user when something fails (unless `quiet`)."""
    out_r, out_w = os.pipe()
    in_r, in_w = os.pipe() if stdin is not None else (None, None)
    actions: list[tuple[object, ...]] = [
        (os.POSIX_SPAWN_DUP2, out_w, 1),
        (os.POSIX_SPAWN_CLOSE, out_r),
    ]
    if quiet:
        actions.append((os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0))
    if in_r is not None and in_w is not None:
        actions += [(os.POSIX_SPAWN_DUP2, in_r, 0), (os.POSIX_SPAWN_CLOSE, in_w)]
    env = environment({"PWD": cwd})
    pid = os.posix_spawnp(
        "git",
        ["git", "-C", cwd, *args],
        env,
        file_actions=actions,
    )
    os.close(out_w)
    if in_r is not None and in_w is not None:
        os.close(in_r)
        _feed(in_w, (stdin or "").encode("utf-8"))
    chunks = []
    while chunk := os.read(out_r, 65536):
        chunks.append(chunk)
    os.close(out_r)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", "replace")


def _feed(fd: int, data: bytes) -> None:
    # Small inputs only (a note, a commit message): they fit the pipe, so no deadlock.
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
    except BrokenPipeError:
        pass
    finally:
        os.close(fd)
