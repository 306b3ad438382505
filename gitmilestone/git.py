"""The only module that imports pygit2: repository plumbing for the slower commands."""

from __future__ import annotations

from pathlib import Path

from gitmilestone.errors import MilestoneError

_FALLBACK = ("git-milestone demo", "demo@git-milestone.invalid")


def init_repository(path: Path, branch: str = "main") -> None:
    import pygit2

    pygit2.init_repository(str(path), initial_head=branch)


def commit_all(path: Path, message: str) -> str:
    """Stage every change in the work tree and commit it on HEAD. Returns the commit id."""
    import pygit2

    repo = pygit2.Repository(str(path))
    repo.index.add_all()
    repo.index.write()
    tree = repo.index.write_tree()
    try:
        sig = repo.default_signature
    except (KeyError, pygit2.GitError):
        sig = pygit2.Signature(*_FALLBACK)
    parents = [] if repo.head_is_unborn else [repo.head.target]
    try:
        oid = repo.create_commit("HEAD", sig, sig, message, tree, parents)
    except pygit2.GitError as exc:
        raise MilestoneError(f"could not commit in {path}: {exc}", "check the repository") from None
    return str(oid)
