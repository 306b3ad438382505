"""The only module that imports pygit2: repository plumbing for the slower commands."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from gitmilestone.errors import MilestoneError

_FALLBACK = ("git-milestone demo", "demo@git-milestone.invalid")


def init_repository(path: Path, branch: str = "main") -> None:
    import pygit2

    pygit2.init_repository(str(path), initial_head=branch)


def commit_all(path: Path, message: str, when: dt.datetime | None = None) -> str:
    """Stage every change in the work tree and commit it on HEAD, dated `when` (default:
    now). Returns the commit id."""
    import pygit2

    repo = pygit2.Repository(str(path))
    repo.index.add_all()
    repo.index.write()
    tree = repo.index.write_tree()
    try:
        name, email = repo.default_signature.name, repo.default_signature.email
    except (KeyError, pygit2.GitError):
        name, email = _FALLBACK
    sig = (
        pygit2.Signature(name, email, int(when.timestamp()), 0)
        if when
        else pygit2.Signature(name, email)
    )
    parents = [] if repo.head_is_unborn else [repo.head.target]
    try:
        oid = repo.create_commit("HEAD", sig, sig, message, tree, parents)
    except pygit2.GitError as exc:
        raise MilestoneError(f"could not commit in {path}: {exc}", "check the repository") from None
    return str(oid)
