"""HEAD's commit, a ref's value and a new loose object read from the files git keeps them
in, without running git; and a private ref written as a loose file.

Every command and hook asks which commit HEAD is, and starting git costs more than reading
two small files. The files are read only in their plain form: HEAD naming a branch (or a
detached commit), a ref in a loose file or in packed-refs, in a `.git` folder or a `.git` file
pointing at a linked work tree's folder. Anything else (a reftable, a symbolic ref chain,
GIT_DIR set, an unexpected line) is left to git: ASK. Stdlib and os.path only (zlib where an
object is read), since the hooks call it on every commit.
"""

from __future__ import annotations

import os

ASK = "ask git"  # the files are not in the plain form read here
_HEX_DIGITS = frozenset("0123456789abcdef")
_ENVIRONMENT = ("GIT_DIR", "GIT_COMMON_DIR", "GIT_WORK_TREE")
_OBJECT_ENVIRONMENT = ("GIT_OBJECT_DIRECTORY", "GIT_ALTERNATE_OBJECT_DIRECTORIES")


def head_commit(root: str) -> str | None:
    """HEAD's commit (None: an unborn branch), or ASK."""
    try:
        git_dir, common = _plain_dirs(root)
        if not git_dir:
            return ASK
        target = _read(os.path.join(git_dir, "HEAD"))
        if not target.startswith("ref: refs/heads/") or ".." in target:
            return target if _is_id(target) else ASK
        value = _ref(common, target[len("ref: ") :])
    except (OSError, UnicodeDecodeError):
        return ASK
    return value if value is None or _is_id(value) else ASK


def ref_value(root: str, name: str) -> str | None:
    """The id a ref under refs/ points at (None: there is no such ref), or ASK."""
    if not _plain_name(name):
        return ASK
    try:
        common = _plain_dirs(root)[1]
        value = _ref(common, name) if common else ASK
    except (OSError, UnicodeDecodeError):
        return ASK
    return value if value is None or _is_id(value) else ASK


def loose_object(root: str, oid: str) -> bytes | None:
    """An object's content from its loose file (header and all: `commit 231\0tree ...`), or
    None when it is not there as one. A commit just made is always loose."""
    if not _is_id(oid) or any(name in os.environ for name in _OBJECT_ENVIRONMENT):
        return None
    try:
        common = _plain_dirs(root)[1]
        if not common:
            return None
        with open(os.path.join(common, "objects", oid[:2], oid[2:]), "rb") as fh:
            packed = fh.read()
    except (OSError, UnicodeDecodeError):
        return None
    import zlib

    try:
        return zlib.decompress(packed)
    except zlib.error:
        return None


def write_private_ref(root: str, name: str, oid: str) -> bool:
    """Create a ref that only this process uses (its name is unique) as a loose file, as git
    would. False, with nothing written, where the layout is not the plain one: use git."""
    if not _plain_name(name) or not _is_id(oid):
        return False
    try:
        common = _plain_dirs(root)[1]
        if not common:
            return False
        path = os.path.join(common, name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except (OSError, UnicodeDecodeError):
        return False
    try:
        written = os.write(fd, f"{oid}\n".encode("ascii")) == len(oid) + 1
    except OSError:  # a full disk: nothing half-written stays behind
        written = False
    finally:
        os.close(fd)
    if not written:
        try:  # noqa: SIM105 - contextlib would cost the hooks an import
            os.unlink(path)
        except OSError:
            pass
    return written


def _plain_dirs(root: str) -> tuple[str, str]:
    """(this work tree's git folder, the common one) where both are in the plain form read
    here; empty strings otherwise."""
    if any(name in os.environ for name in _ENVIRONMENT):
        return "", ""  # git would read another repository than the one found here
    git_dir, common = _dirs(root)
    if not git_dir or os.path.exists(os.path.join(common, "reftable")):
        return "", ""
    return git_dir, common


def _plain_name(name: str) -> bool:
    parts = name.split("/")
    return parts[0] == "refs" and len(parts) > 1 and all(p and p[0] != "." for p in parts)


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


def _ref(common: str, name: str) -> str | None:
    """A ref's value as git finds it: its loose file, else its line in packed-refs, else None
    (an unborn branch, a ref not made yet)."""
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
