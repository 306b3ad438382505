"""HEAD's commit read from the files git keeps it in, without running git.

Every command and hook asks which commit HEAD is, and starting git costs more than reading
two small files. The files are read only in their plain form: HEAD naming a branch (or a
detached commit), the branch in a loose ref file or in packed-refs, in a `.git` folder or a
`.git` file pointing at a linked work tree's folder. Anything else (a reftable, a symbolic
ref chain, GIT_DIR set, an unexpected line) is left to git: ASK. Stdlib and os.path only,
since the hooks call it on every commit.
"""

from __future__ import annotations

import os

ASK = "ask git"  # the files are not in the plain form read here
_HEX_DIGITS = frozenset("0123456789abcdef")
_ENVIRONMENT = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE")


def head_commit(root: str) -> str | None:
    """HEAD's commit (None: an unborn branch), or ASK."""
    if any(name in os.environ for name in _ENVIRONMENT):
        return ASK  # git would read another repository than the one found here
    try:
        git_dir, common = _dirs(root)
        if not git_dir or os.path.exists(os.path.join(common, "reftable")):
            return ASK
        target = _read(os.path.join(git_dir, "HEAD"))
        if not target.startswith("ref: refs/heads/") or ".." in target:
            return target if _is_id(target) else ASK
        value = _branch(common, target[len("ref: ") :])
    except (OSError, UnicodeDecodeError):
        return ASK
    return value if value is None or _is_id(value) else ASK


def _dirs(root: str) -> tuple[str, str]:
    """(this work tree's git folder, the common one); empty where .git is unusual."""
    dotgit = os.path.join(root, ".git")
    if os.path.isdir(dotgit):
        return dotgit, dotgit
    line = _read(dotgit)
    if not line.startswith("gitdir: "):
        return "", ""
    git_dir = os.path.join(root, line[len("gitdir: ") :])
    try:
        return git_dir, os.path.join(git_dir, _read(os.path.join(git_dir, "commondir")))
    except FileNotFoundError:
        return git_dir, git_dir


def _branch(common: str, name: str) -> str | None:
    """A branch's commit as git finds it: its loose file, else its line in packed-refs, else
    None (the branch is unborn)."""
    try:
        return _read(os.path.join(common, name))
    except FileNotFoundError:
        pass
    try:
        with open(os.path.join(common, "packed-refs"), encoding="utf-8") as fh:
            for line in fh:
                sha, _, ref = line.rstrip("\n").partition(" ")
                if ref == name:
                    return sha
    except FileNotFoundError:
        pass
    return None


def _is_id(text: str) -> bool:
    """A commit id: sha1 or sha256 hex (checked without `re`, which the hooks do not load)."""
    return len(text) in (40, 64) and _HEX_DIGITS.issuperset(text)


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read().strip()
