"""Local resume state that the hooks read on every commit and checkout: which work session is
open in each work tree, and the latest resume point of each branch.

Both live in `.git/milestones/`: local, never committed, rebuildable from the notes. The
sessions are a few tab-separated lines, read without any import; the resume points are JSON,
parsed (json pulls in re) only when the branch checked out has one. Only `os` is imported up
front (paths may be given as str or Path), so the usual commit and checkout stay within the
hooks' speed budget.
"""

from __future__ import annotations

import os

from gitmilestone.git.where import SESSIONS_FILE, common_dir_of

TYPE_CHECKING = False  # typing is not imported at run time: every module costs the hooks time
if TYPE_CHECKING:
    from typing import Any, TypeAlias

    StrPath: TypeAlias = "str | os.PathLike[str]"

STATE_FILE = SESSIONS_FILE  # work tree -> its current session, one line each
STATE_FIELDS = ("status", "session_id", "session_key", "milestone_id", "task_id")
CACHE_FILE = "resume-cache.json"  # branch -> its latest resume point
FORMAT = 1
_NOTES_WIDTH = 60


def _file(common_dir: StrPath, name: str) -> str:
    return os.path.join(os.fspath(common_dir), "milestones", name)


def _read(path: str, needle: str | None = None) -> dict[str, Any]:
    """The file's JSON; {} when it is missing or broken, or (cheaply, before parsing) when it
    does not contain `needle` at all."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return {}
    if needle is not None and needle not in text:
        return {}
    import json  # json pulls in re: only when there is something to read

    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) and data.get("v") == FORMAT else {}


def _write(path: str, data: dict[str, Any]) -> None:
    import json

    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump({**data, "v": FORMAT}, fh, indent=1, sort_keys=True, ensure_ascii=False)
    os.replace(tmp, path)


def _worktree_key(common_dir: StrPath, worktree_git_dir: StrPath) -> str:
    """`.` for the main work tree, `worktrees/<name>` for a linked one."""
    common = os.path.realpath(common_dir)
    mine = os.path.realpath(worktree_git_dir)
    key = os.path.relpath(mine, common) if mine.startswith(common) else mine
    return key.replace("\t", " ")  # the state file separates its fields by tabs


def _state_lines(path: str) -> dict[str, list[str]]:
    """worktree key -> its fields, from lines `key<TAB>status<TAB>session...` (IDs hold no
    tabs, and keys have theirs replaced)."""
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return {}
    rows = (line.split("\t") for line in text.splitlines() if not line.startswith("#"))
    return {r[0]: r[1:] for r in rows if len(r) == len(STATE_FIELDS) + 1}


def read_worktree(common_dir: StrPath, worktree_git_dir: StrPath) -> dict[str, Any] | None:
    """The session this work tree is in: {status, session_id, session_key, milestone_id,
    task_id} (None for an ID that is not there), or None."""
    key = _worktree_key(common_dir, worktree_git_dir)
    fields = _state_lines(_file(common_dir, STATE_FILE)).get(key)
    if fields is None:
        return None
    return {k: (v if v != "-" else None) for k, v in zip(STATE_FIELDS, fields, strict=False)}


def write_worktree(
    common_dir: StrPath, worktree_git_dir: StrPath, entry: dict[str, Any] | None
) -> None:
    path = _file(common_dir, STATE_FILE)
    rows = _state_lines(path)
    key = _worktree_key(common_dir, worktree_git_dir)
    rows.pop(key, None)
    if entry is not None:
        rows[key] = [str(entry.get(k) or "-") for k in STATE_FIELDS]
    lines = ["# git-milestone: the work session of each work tree (start, pause, stop)"]
    lines += ["\t".join([k, *v]) for k, v in sorted(rows.items())]
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def active_session(common_dir: StrPath, worktree_git_dir: StrPath) -> dict[str, str | None] | None:
    """{session_id, milestone_id, task_id} of the session open (not paused) in this work tree,
    for commit-msg's trailers; None when there is none."""
    entry = read_worktree(common_dir, worktree_git_dir)
    if not entry or entry.get("status") != "active":
        return None
    return {k: entry.get(k) for k in ("session_id", "milestone_id", "task_id")}


# -- the latest resume point of each branch ---------------------------------------------------


def read_cache(common_dir: StrPath, needle: str | None = None) -> dict[str, dict[str, Any]]:
    branches = _read(_file(common_dir, CACHE_FILE), needle).get("branches")
    return branches if isinstance(branches, dict) else {}


def write_cache(common_dir: StrPath, branches: dict[str, dict[str, Any]]) -> None:
    _write(_file(common_dir, CACHE_FILE), {"branches": branches})


def cache_put(common_dir: StrPath, branch: str, entry: dict[str, Any]) -> None:
    """`entry` becomes the branch's resume point; a session has one resume point, so any older
    one it left on another branch goes."""
    branches = {
        b: e
        for b, e in read_cache(common_dir).items()
        if e.get("session_key") != entry.get("session_key")
    }
    branches[branch] = entry
    write_cache(common_dir, branches)


def cache_drop(common_dir: StrPath, session_key: str) -> None:
    """The session was resumed or ended: its resume point is no longer waiting."""
    branches = read_cache(common_dir)
    kept = {b: e for b, e in branches.items() if e.get("session_key") != session_key}
    if kept != branches:
        write_cache(common_dir, kept)


def checkout_summary(root: StrPath, git_dir: StrPath, branch: str) -> list[str]:
    """At most 3 lines about the resume point waiting on `branch`, for post-checkout. Reads one
    small file; runs no git command unless there is something to show, then one."""
    # A branch name with a quote or backslash is escaped in JSON: then look without a needle.
    plain = '"' not in branch and "\\" not in branch
    entry = read_cache(common_dir_of(git_dir), f'"{branch}"' if plain else None).get(branch)
    if not isinstance(entry, dict):
        return []
    what = entry.get("task_ref") or "no milestone"
    lines = [
        f"git-milestone: paused here: {entry.get('session_id')} ({what}), "
        f"{entry.get('when', '?')} by {entry.get('who') or '?'}"
    ]
    facts = []
    notes = str(entry.get("notes") or "")
    if notes:
        short = notes if len(notes) <= _NOTES_WIDTH else notes[: _NOTES_WIDTH - 1] + "…"
        facts.append(f'"{short}"')
    steps = entry.get("next_steps") or []
    if steps:
        facts.append(f"next: {steps[0]}" + (f" (+{len(steps) - 1})" if len(steps) > 1 else ""))
    files = int(entry.get("files") or 0)
    if files:
        facts.append(f"{files} uncommitted file{'s' if files != 1 else ''} saved")
    since = _commits_since(root, entry.get("head"))
    if since:
        facts.append(f"{since} commit{'s' if since != 1 else ''} since")
    if facts:
        lines.append("  " + " · ".join(facts))
    restore = " (--restore brings the saved work back)" if files else ""
    lines.append(f"  `git milestone resume` to continue{restore}")
    from gitmilestone.core.untrusted import printable  # notes are anyone's text

    return [printable(line) for line in lines]


def _commits_since(root: StrPath, head: object) -> int:
    from gitmilestone.core.untrusted import is_object_id

    if not is_object_id(head):  # the cache is rebuilt from notes: never an option or a range
        return 0
    from gitmilestone.git.spawn import git  # spawns git without importing subprocess

    rc, out = git(os.fspath(root), "rev-list", "--count", "--end-of-options", f"{head}..HEAD")
    return int(out.strip()) if rc == 0 and out.strip().isdigit() else 0
