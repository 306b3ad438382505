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


class Objects:
    """One pygit2.Repository for a command that reads the plan at revisions: resolving what
    the user typed, merge bases, and the blobs of a folder at a commit, without a checkout
    and without one `git show` per file. Works in bare repositories and shallow clones."""

    def __init__(self, path: Path) -> None:
        import pygit2

        try:
            self._repo = pygit2.Repository(str(path))
        except pygit2.GitError as exc:
            raise MilestoneError(
                f"cannot open the repository at {path}: {exc}", "run this inside a git repository"
            ) from None

    @property
    def is_bare(self) -> bool:
        return bool(self._repo.is_bare)

    def commit(self, rev: str) -> str:
        """The commit `rev` names (a branch, a tag, `HEAD~2`, an id), resolved by libgit2 so
        that what the user typed never reaches a command line."""
        import pygit2

        try:
            obj = self._repo.revparse_single(rev)
            return str(obj.peel(pygit2.Commit).id)
        except (KeyError, ValueError, pygit2.GitError, pygit2.InvalidSpecError):
            raise MilestoneError(
                f"unknown revision '{rev}'",
                "name a branch, tag or commit (`git log --oneline` lists commits); in a "
                "shallow clone, fetch both revisions first",
            ) from None

    def merge_base(self, a: str, b: str) -> str:
        import pygit2

        try:
            base = self._repo.merge_base(a, b)
        except pygit2.GitError:
            base = None
        if base is None:
            raise MilestoneError(
                f"no common ancestor of {a[:10]} and {b[:10]}",
                "in a shallow clone, deepen it until they meet (git fetch --deepen=100), or "
                "compare the two revisions directly: git milestone diff A B",
            )
        return str(base)

    def first_commit(self, *names: str) -> str | None:
        """The first of `names` that resolves to a commit (e.g. the default branch)."""
        for name in names:
            try:
                return self.commit(name)
            except MilestoneError:
                continue
        return None

    def blobs(self, commit: str, folder: str) -> dict[str, str]:
        """`path -> blob id` for the files directly in `folder` at `commit` (none when the
        folder is missing)."""
        import pygit2

        tree = self._repo[commit].peel(pygit2.Commit).tree
        try:
            sub = tree[folder]
        except KeyError:
            return {}
        if not isinstance(sub, pygit2.Tree):
            return {}
        return {
            f"{folder}/{entry.name}": str(entry.id)
            for entry in sub
            if entry.type_str == "blob" and entry.filemode != pygit2.GIT_FILEMODE_LINK
        }

    def blob_at(self, commit: str, path: str) -> str | None:
        import pygit2

        try:
            entry = self._repo[commit].peel(pygit2.Commit).tree[path]
        except KeyError:
            return None
        return str(entry.id) if isinstance(entry, pygit2.Blob) else None

    def read(self, blob: str) -> bytes:
        import pygit2

        obj = self._repo[blob]
        return obj.data if isinstance(obj, pygit2.Blob) else b""
