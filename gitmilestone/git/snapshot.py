"""Snapshots of uncommitted work: a stash-like commit kept under refs/milestones/wip/<session>.

The commit has git stash's shape (W with parents HEAD, I for the index and U for untracked
files), so `git stash apply` can bring it back, on this clone or another. It is built in
temporary index files: the working tree and the real index are never touched. Stdlib only.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from gitmilestone.core.untrusted import is_object_id
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.git import runner
from gitmilestone.git.repo import RepoPaths

REF_PREFIX = "refs/milestones/wip/"
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_OPERATIONS = (
    ("rebase-merge", "a rebase", "git rebase --continue` or `git rebase --abort"),
    ("rebase-apply", "a rebase", "git rebase --continue` or `git rebase --abort"),
    ("MERGE_HEAD", "a merge", "git merge --continue` or `git merge --abort"),
    ("CHERRY_PICK_HEAD", "a cherry-pick", "git cherry-pick --continue` or `--abort"),
    ("REVERT_HEAD", "a revert", "git revert --continue` or `--abort"),
)


@dataclass(frozen=True)
class Changes:
    """Uncommitted work, as `git status` sees it."""

    staged: tuple[str, ...] = ()
    unstaged: tuple[str, ...] = ()
    untracked: tuple[str, ...] = ()
    conflicted: tuple[str, ...] = ()

    @property
    def files(self) -> list[str]:
        return sorted({*self.staged, *self.unstaged, *self.untracked, *self.conflicted})

    def __bool__(self) -> bool:
        return bool(self.files)

    def as_dict(self) -> dict[str, list[str]]:
        return {k: list(getattr(self, k)) for k in ("staged", "unstaged", "untracked")}

    def listed(self, limit: int = 200) -> dict[str, object]:
        """The paths of each kind (at most `limit`, so a note stays small) and their counts."""
        lists = self.as_dict()
        counts = {k: len(v) for k, v in lists.items()}
        return {**{k: v[:limit] for k, v in lists.items()}, "counts": counts}


@dataclass(frozen=True)
class Restored:
    commit: str
    files: tuple[str, ...]
    conflicts: tuple[str, ...] = ()
    index_kept: bool = True
    already: bool = False


@dataclass
class _Trees:
    index: str
    worktree: str
    untracked: str | None = None


def ref_name(session: str) -> str:
    return REF_PREFIX + session


def git(
    root: Path,
    *args: str,
    index: Path | None = None,
    stdin: str | None = None,
    check: bool = True,
) -> str:
    env = {}
    if index is not None:
        env["GIT_INDEX_FILE"] = str(index)
        env["GIT_LITERAL_PATHSPECS"] = "1"  # file names are names, never glob patterns
    proc = runner.git(root, *args, stdin=stdin, env=env, check=False)
    if check and proc.returncode != 0:
        raise MilestoneError(
            f"git {args[0]} failed: {proc.stderr.strip() or proc.stdout.strip()}",
            "check the repository with `git status`; nothing was changed",
        )
    return proc.stdout


def changes(root: Path) -> Changes:
    """Staged, unstaged, untracked and conflicted paths. `--no-optional-locks` keeps git from
    refreshing the index file, which must stay exactly as it was."""
    out = git(root, "--no-optional-locks", "status", "--porcelain=v1", "-z", "-uall")
    staged, unstaged, untracked, conflicted = [], [], [], []
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        xy, path = entry[:2], entry[3:]
        if xy[0] in "RC":
            next(entries, None)  # the rename's source path follows
        if xy == "??":
            untracked.append(path)
        elif "U" in xy or xy in ("AA", "DD"):
            conflicted.append(path)
        else:
            if xy[0] not in " ?!":
                staged.append(path)
            if xy[1] not in " ?!":
                unstaged.append(path)
    return Changes(tuple(staged), tuple(unstaged), tuple(untracked), tuple(conflicted))


def operation_in_progress(git_dir: Path) -> tuple[str, str] | None:
    """(what, how to finish it) while a rebase, merge, cherry-pick or revert is under way."""
    for name, what, finish in _OPERATIONS:
        if (git_dir / name).exists():
            return what, finish
    return None


def check_settled(paths: RepoPaths, action: str) -> Changes:
    """Refuse to `action` in the middle of a rebase or merge, or with conflicts in the index."""
    busy = operation_in_progress(paths.git_dir)
    if busy:
        raise ConflictError(
            f"cannot {action} during {busy[0]}: the work tree is half-way through it",
            f"finish it first (`{busy[1]}`), then {action} again; nothing was changed",
        )
    found = changes(paths.root)
    if found.conflicted:
        shown = ", ".join(found.conflicted[:5])
        raise ConflictError(
            f"cannot {action} with unresolved conflicts in the index: {shown}",
            f"resolve them and `git add` the files, then {action} again; nothing was changed",
        )
    return found


@contextmanager
def _temp_index(paths: RepoPaths, copy: bool) -> Iterator[Path]:
    """A private index file next to the real one; the real one is only ever read."""
    # In .git/milestones/tmp, where `git milestone doctor` finds any a crash left behind.
    folder = paths.local_dir / "tmp"
    folder.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix="milestone-wip-index.", dir=folder)
    os.close(fd)
    tmp = Path(name)
    real = paths.git_dir / "index"
    try:
        if copy and real.is_file():
            tmp.write_bytes(real.read_bytes())
        else:
            tmp.unlink()  # git wants no file rather than an empty one
        yield tmp
    finally:
        tmp.unlink(missing_ok=True)


def _current_trees(paths: RepoPaths, found: Changes) -> _Trees:
    """The trees of the index, the tracked work tree and the untracked files, as they are now."""
    root = paths.root
    with _temp_index(paths, copy=True) as tmp:
        index = git(root, "write-tree", index=tmp).strip()
        git(root, "add", "-u", index=tmp)  # the whole work tree (cwd is its top)
        worktree = git(root, "write-tree", index=tmp).strip()
    untracked = None
    if found.untracked:
        with _temp_index(paths, copy=False) as tmp:
            listing = "".join(p + "\0" for p in found.untracked)
            git(
                root,
                "add",
                "--pathspec-from-file=-",
                "--pathspec-file-nul",
                index=tmp,
                stdin=listing,
            )
            untracked = git(root, "write-tree", index=tmp).strip()
    return _Trees(index, worktree, untracked)


def create(paths: RepoPaths, session: str, head: str, message: str, found: Changes) -> str:
    """Snapshot the uncommitted work `found` (from check_settled) under
    refs/milestones/wip/<session>, parented on `head`. Returns the commit.

    A session's earlier snapshot stays a (fourth) parent, so the ref only ever moves forward:
    it syncs without force, and every pause of the session stays restorable. git stash reads
    the third parent as the untracked files, so it is then an empty one if there are none."""
    trees = _current_trees(paths, found)
    root = paths.root
    subject = message.splitlines()[0] if message.strip() else "work in progress"
    index = git(root, "commit-tree", trees.index, "-p", head, "-m", f"index on {session}").strip()
    parents = ["-p", head, "-p", index]
    earlier = _verify(paths, ref_name(session))
    if trees.untracked or earlier:
        untracked = trees.untracked or git(root, "mktree", stdin="").strip()
        u = git(root, "commit-tree", untracked, "-m", f"untracked files on {session}")
        parents += ["-p", u.strip()]
    if earlier:
        parents += ["-p", earlier]
    text = f"WIP on {session}: {subject}\n\ngit-milestone pause snapshot"
    commit = git(root, "commit-tree", trees.worktree, *parents, "-m", text).strip()
    git(root, "update-ref", "-m", f"git-milestone: pause {session}", ref_name(session), commit)
    return commit


def _verify(paths: RepoPaths, rev: str) -> str | None:
    out = git(
        paths.root,
        "rev-parse",
        "-q",
        "--verify",
        "--end-of-options",
        rev + "^{commit}",
        check=False,
    )
    return out.strip() or None


def resolve(paths: RepoPaths, commit: str | None) -> str | None:
    """The snapshot a pause recorded, if its commit is in this clone; None when it is gone
    (pruned, or not fetched from the clone that paused). Only a commit id is looked up: the
    pause note that names it may come from anyone's clone."""
    return _verify(paths, commit) if commit and is_object_id(commit) else None


def _tree(paths: RepoPaths, rev: str) -> str:
    return git(paths.root, "rev-parse", "--verify", "--end-of-options", rev + "^{tree}").strip()


def _untracked(paths: RepoPaths, parents: list[str]) -> str | None:
    """The tree of a snapshot's untracked files; None when there are none."""
    tree = _tree(paths, parents[2]) if len(parents) > 2 else None
    return tree if tree != EMPTY_TREE else None


def _parents(paths: RepoPaths, commit: str) -> list[str]:
    """A snapshot's parents: HEAD at the pause, the index, and maybe the untracked files. A
    commit of another shape (a pause note names any commit it likes) is refused."""
    out = git(paths.root, "rev-list", "--parents", "-n", "1", "--end-of-options", commit)
    parents = out.split()[1:]
    if len(parents) < 2:
        raise MilestoneError(
            f"{commit[:10]} is not a snapshot a pause made (it has {len(parents)} parents)",
            "the pause note that names it is damaged or crafted; nothing was changed",
        )
    return parents


def state(paths: RepoPaths, commit: str) -> str:
    """How the work tree compares with a snapshot: `matches` (the same uncommitted work, on
    top of whatever HEAD is now), `committed` (HEAD holds exactly the snapshot's files),
    `clean` (no uncommitted work: it can be restored) or `differs` (other uncommitted work)."""
    found = changes(paths.root)
    parents = _parents(paths, commit)
    want_u = _untracked(paths, parents)
    head = git(paths.root, "rev-parse", "-q", "--verify", "HEAD^{tree}", check=False).strip()
    if not found:
        return "committed" if head == _tree(paths, commit) and want_u is None else "clean"
    if found.conflicted:
        return "differs"
    now = _current_trees(paths, found)
    if (now.index, now.worktree, now.untracked) == (
        _tree(paths, parents[1]),
        _tree(paths, commit),
        want_u,
    ):
        return "matches"
    # HEAD moved since the pause: the same edits on top of it still count as the same work.
    same = _delta(paths, head, now.worktree, now.untracked) == _delta(
        paths, _tree(paths, parents[0]), _tree(paths, commit), want_u
    )
    return "matches" if same else "differs"


def _delta(paths: RepoPaths, base: str, worktree: str, untracked: str | None) -> dict[str, str]:
    """path -> blob (or "" for a deletion) of what differs from `base`, untracked files too."""
    out = git(paths.root, "diff-tree", "-r", "-z", "--no-renames", base, worktree)
    fields = out.split("\0")
    delta = {
        path: ("" if meta.split()[-1] == "D" else meta.split()[3])
        for meta, path in zip(fields[0::2], fields[1::2], strict=False)
        if meta.startswith(":")
    }
    if untracked:
        listing = git(paths.root, "ls-tree", "-r", "-z", untracked)
        for entry in filter(None, listing.split("\0")):
            meta, _, path = entry.partition("\t")
            delta[path] = meta.split()[2]
    return delta


def touched(paths: RepoPaths, commit: str) -> list[str]:
    """Every path a restore of `commit` writes: changed in the index or work tree, or untracked."""
    parents = _parents(paths, commit)
    names: set[str] = set()
    for rev in (parents[1], commit):
        out = git(
            paths.root, "diff-tree", "-r", "-z", "--no-renames", "--name-only", parents[0], rev
        )
        names.update(n for n in out.split("\0") if n)
    if len(parents) > 2:
        out = git(paths.root, "ls-tree", "-r", "-z", "--name-only", parents[2])
        names.update(n for n in out.split("\0") if n)
    return sorted(names)


def restore(paths: RepoPaths, session: str, commit: str) -> Restored:
    """Bring the snapshot back into the work tree and index. Refuses, changing nothing, where
    it would overwrite uncommitted work or an untracked file."""
    found = check_settled(paths, "restore")
    if found and state(paths, commit) == "matches":
        return Restored(commit, tuple(found.files), already=True)
    files = touched(paths, commit)
    clash = sorted(set(found.files) & set(files))
    clash += [f for f in files if f not in found.files and _on_disk_untracked(paths, f)]
    if clash:
        raise ConflictError(
            f"restoring {session} would overwrite uncommitted changes in: {', '.join(clash[:8])}",
            "commit, stash or move those files first (or `git milestone pause` them into a "
            "session of their own), then run `git milestone resume --restore` again",
        )
    return _apply(paths, commit, files)


def _on_disk_untracked(paths: RepoPaths, name: str) -> bool:
    """A file the snapshot would create that exists but git does not track (e.g. ignored)."""
    if not os.path.lexists(paths.root / name):
        return False
    return not git(paths.root, "ls-files", "--", name, check=False).strip()


def _apply(paths: RepoPaths, commit: str, files: list[str]) -> Restored:
    before = changes(paths.root)
    out = _stash_apply(paths, commit, with_index=True)
    index_kept = True
    if out is not None and changes(paths.root) == before:
        # The staged part no longer applies on top of HEAD: bring it all back unstaged.
        index_kept = False
        out = _stash_apply(paths, commit, with_index=False)
    conflicts = changes(paths.root).conflicted
    if out is not None and not conflicts:
        raise MilestoneError(
            f"could not restore the snapshot {commit[:10]}: {out}",
            f"the snapshot is kept under {REF_PREFIX}; try `git stash apply {commit[:10]}`",
        )
    return Restored(commit, tuple(files), tuple(conflicts), index_kept)


def _stash_apply(paths: RepoPaths, commit: str, with_index: bool) -> str | None:
    """None on success, else git's complaint."""
    args = ["stash", "apply", "--quiet", *(["--index"] if with_index else []), commit]
    proc = runner.git(paths.root, *args, check=False)
    if proc.returncode == 0:
        return None
    return " ".join((proc.stderr or proc.stdout).split())[:300]


def missing(session: str) -> NotFoundError:
    return NotFoundError(
        f"the snapshot of {session} is gone: {ref_name(session)} was deleted, pruned or never "
        "fetched here",
        "on the clone that paused, run `git milestone sync` (or `git push origin "
        f"'{REF_PREFIX}*:{REF_PREFIX}*'`), then fetch here; the notes still hold the context",
    )
