"""Facts recorded on a branch that has no commit of its own yet wait for its first one.

A note is attached to HEAD. Right after `git switch -c pr/x`, HEAD is also a commit of the
branch pr/x came from, so a note attached there would count on that branch too (and, once
synced, on every clone's copy of it). While another local branch holds HEAD, an event recorded
by a command waits in `.git/milestones/branch-waiting/<branch>.jsonl` instead: the branch's own
view shows it at once, the next commit on the branch (its post-commit hook) attaches it to that
commit, and from then on it travels with the branch's history like any other note. Stdlib only:
the post-commit hook reads these files.
"""

from __future__ import annotations

import os

FOLDER = "branch-waiting"


def waiting_file(common_dir: str | os.PathLike[str], branch: str) -> str:
    # The name in hex: a branch name may hold `/` and characters no file name should.
    return os.path.join(common_dir, "milestones", FOLDER, branch.encode("utf-8").hex() + ".jsonl")


def shares_head(root: str | os.PathLike[str], branch: str) -> bool:
    """Whether another local branch holds the commit HEAD is on."""
    from gitmilestone.git.runner import git

    wanted = ("--contains", "HEAD", "--format=%(refname)", "refs/heads")
    proc = git(os.fspath(root), "for-each-ref", *wanted, check=False)
    return any(ref != f"refs/heads/{branch}" for ref in proc.stdout.split())


def wait(common_dir: str | os.PathLike[str], branch: str, lines: str) -> str:
    path = waiting_file(common_dir, branch)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(lines)
    return path


def read(common_dir: str | os.PathLike[str], branch: str | None) -> str:
    if branch is None:
        return ""
    try:
        with open(waiting_file(common_dir, branch), encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return ""


def forget(common_dir: str | os.PathLike[str], branch: str) -> None:
    path = waiting_file(common_dir, branch)
    if os.path.exists(path):
        os.unlink(path)
