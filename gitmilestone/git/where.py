"""Where a hook is: the work tree, its git directory, the plan's files, and the milestone and
task the branch names (through `branch_pattern` in milestone-config.yaml, e.g.
milestone/M-001/task-003-login). Read from disk with the standard library only, no git call
and no `re`: hooks run on every commit, and each module they import costs time."""

from __future__ import annotations

import os

DEFAULT_PATTERN = "milestone/{milestone}/{task}"
SESSIONS_FILE = "worktree-sessions"  # in .git/milestones: each work tree's open session


def root() -> str | None:
    """The work tree, when it plans with git-milestone; None means: do nothing."""
    root = os.getcwd()
    return root if os.path.isdir(os.path.join(root, ".milestones")) else None


def git_dir(root: str) -> str:
    """This work tree's git directory, read from disk (a linked worktree has a .git file)."""
    env = os.environ.get("GIT_DIR")
    if env:
        return os.path.join(root, env)
    dot = os.path.join(root, ".git")
    if os.path.isfile(dot):
        with open(dot, encoding="utf-8") as fh:
            target = fh.read().strip().removeprefix("gitdir:").strip()
        return os.path.join(root, target)
    return dot


def milestone_file(root: str, mid: str) -> str | None:
    for location in ("active", "completed"):
        path = os.path.join(root, ".milestones", location, f"{mid}.yaml")
        if os.path.isfile(path):
            return path
    return None


def common_dir(root: str) -> str:
    return common_dir_of(git_dir(root))


def common_dir_of(git_dir: str | os.PathLike[str]) -> str:
    """The shared git directory of a (possibly linked) work tree's git directory."""
    try:
        with open(os.path.join(git_dir, "commondir"), encoding="utf-8") as fh:
            pointer = fh.read().strip()
    except OSError:
        return os.fspath(git_dir)
    return os.path.normpath(os.path.join(git_dir, pointer))


# -- which session is open in each work tree -------------------------------------------------


def current_branch(root: str) -> str | None:
    """The checked-out branch, from HEAD itself (no git call); None when detached."""
    try:
        with open(os.path.join(git_dir(root), "HEAD"), encoding="utf-8") as fh:
            head = fh.read().strip()
    except OSError:
        return None
    return head.removeprefix("ref: refs/heads/") if head.startswith("ref: refs/heads/") else None


def branch_pattern(root: str) -> str:
    config = os.path.join(root, ".milestones", "config", "milestone-config.yaml")
    try:
        with open(config, encoding="utf-8") as fh:
            text = fh.read()
    except OSError:
        return DEFAULT_PATTERN
    for line in text.splitlines():
        if line.startswith("branch_pattern:"):
            value = line.partition(":")[2].split(" #")[0].strip().strip("'\"")
            return value or DEFAULT_PATTERN
    return DEFAULT_PATTERN


def branch_refs(root: str, branch: str) -> tuple[str, str | None] | None:
    """(milestone, task) named by a branch like milestone/M-001/task-003-login, with the IDs
    written out in full: the milestone may be any unique prefix of its ID, the task segment
    starts with a unique prefix of the task's ID and may go on with words."""
    found = match_branch(branch_pattern(root), branch)
    if found is None:
        return None
    from gitmilestone.git.shortids import milestone_ids, milestone_path, pick, task_in_segment

    mid = pick(found[0], milestone_ids(root))
    path = milestone_path(root, mid) if mid else None
    if mid is None or path is None:
        return None
    return mid, task_in_segment(path, found[1]) if found[1] else None


def match_branch(pattern: str, branch: str) -> tuple[str, str | None] | None:
    """The milestone and the task segment a branch name fills into the pattern, or None.
    Placeholders stand for one path segment each; the task part may be left off."""
    wanted, parts = pattern.split("/"), branch.split("/")
    if "{task}" in pattern and len(parts) == len(wanted) - 1:
        wanted = [w for w in wanted if "{task}" not in w]
    if len(parts) != len(wanted):
        return None
    found: dict[str, str] = {}
    for want, part in zip(wanted, parts, strict=True):
        head, brace, tail = want.partition("{")
        if not brace:
            if want != part:
                return None
            continue
        name, _, after = tail.partition("}")
        value = part[len(head) : len(part) - len(after)] if after else part[len(head) :]
        if not part.startswith(head) or not part.endswith(after) or not value:
            return None
        found[name] = value
    return (found["milestone"], found.get("task")) if "milestone" in found else None
