"""The one way git-milestone runs git: one environment, one error translation.

Inside a hook, git exports the index of the command that fired it (GIT_INDEX_FILE); a git we
start must use the repository's own index, or none we name, so that variable is dropped.
Dates come out in UTC, so that text sorts by time across time zones. Stdlib only, and
`subprocess` is imported only when a command runs (the hooks use `spawn`, not this).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs the hooks time; they use environment() on every commit
if TYPE_CHECKING:
    import subprocess
    from collections.abc import Mapping
    from pathlib import Path

# Variables a hook's git command exports that would redirect the git we start.
_HOOK_ONLY = frozenset({"GIT_INDEX_FILE"})


def environment(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment for a git child: the hook's index dropped, UTC dates,
    `extra` on top."""
    env = {k: v for k, v in os.environ.items() if k not in _HOOK_ONLY}
    env["TZ"] = "UTC"
    env.update(extra or {})
    return env


def git(
    root: Path | str | None,
    *args: str,
    stdin: str | None = None,
    check: bool = True,
    env: Mapping[str, str] | None = None,
    errors: str = "replace",
) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in `root` (None: the current directory). With `check`, a failure raises
    CalledProcessError, which the CLI turns into one `Error:` line naming the git command.
    Output that is not UTF-8 (commit messages and notes are anyone's bytes) is decoded with
    `errors`."""
    import subprocess

    proc = subprocess.run(
        ["git", *args],
        cwd=root,
        input=stdin,
        capture_output=True,
        text=True,
        errors=errors,
        check=False,
        env=environment(env),
    )
    if check and proc.returncode != 0:
        raise subprocess.CalledProcessError(proc.returncode, proc.args, proc.stdout, proc.stderr)
    return proc


def head(root: Path | str) -> str | None:
    """HEAD's commit, or None on an unborn branch: from the files git keeps it in where they
    have the plain form (see headfile), else from git."""
    from gitmilestone.git.headfile import ASK, head_commit

    found = head_commit(os.fspath(root))
    if found != ASK:
        return found
    proc = git(root, "rev-parse", "--verify", "-q", "HEAD^{commit}", check=False)
    return proc.stdout.strip() or None
