"""What each hook does. Stdlib only (no pygit2, jsonschema, click or yaml): this runs on every
commit. Hooks never touch tracked files or the index; they write notes and local state."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from gitmilestone import eventlog
from gitmilestone.events import (
    CommitInfo,
    TrailerError,
    check_trailer,
    commit_events,
    ours,
    parse_trailer_block,
)

_ID_LINE = re.compile(
    r"^\s*(?:-\s+)?id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9_-]*)['\"]?\s*(?:#.*)?$", re.M
)
_PATTERN_LINE = re.compile(r"^branch_pattern:\s*['\"]?([^'\"#\n]+?)['\"]?\s*(?:#.*)?$", re.M)
DEFAULT_PATTERN = "milestone/{milestone}/{task}"


def _root() -> Path | None:
    """The work tree, when it plans with git-milestone; None means: do nothing."""
    proc = eventlog.git(Path.cwd(), "rev-parse", "--show-toplevel", check=False)
    root = Path(proc.stdout.strip()) if proc.returncode == 0 and proc.stdout.strip() else None
    return root if root is not None and (root / ".milestones").is_dir() else None


def _milestone_file(root: Path, mid: str) -> Path | None:
    for location in ("active", "completed"):
        path = root / ".milestones" / location / f"{mid}.yaml"
        if path.is_file():
            return path
    return None


def commit_msg(args: list[str], stdin: bytes) -> int:
    root = _root()
    if root is None or not args:
        return 0
    msg = Path(args[0])
    parsed = eventlog.git(root, "interpret-trailers", "--parse", str(msg)).stdout
    trailers = ours(parse_trailer_block(parsed))
    for key, value in trailers:
        problem = _trailer_problem(root, key, value)
        if problem:
            print(f"git-milestone: commit rejected: {problem}", file=sys.stderr)
            print(
                "hint: fix the trailer (see `git milestone --help`), or commit with --no-verify",
                file=sys.stderr,
            )
            return 1
    if not any(k in ("Milestone", "Task", "Completes", "Progress") for k, _ in trailers):
        _add_branch_trailers(root, msg)
    return 0


def _trailer_problem(root: Path, key: str, value: str) -> str | None:
    try:
        parts = check_trailer(key, value)
    except TrailerError as err:
        return str(err)
    if (
        key in ("Milestone", "Task", "Completes", "Progress")
        and _milestone_file(root, parts[0]) is None
    ):
        return f"{key}: {value}: there is no milestone {parts[0]} in .milestones/"
    return None


def branch_refs(root: Path, branch: str) -> tuple[str, str | None] | None:
    """(milestone, task) named by a branch like milestone/M-001/task-003-login."""
    config = root / ".milestones" / "config" / "milestone-config.yaml"
    text = config.read_text(encoding="utf-8") if config.is_file() else ""
    found = _PATTERN_LINE.search(text)
    pattern = found.group(1).strip() if found else DEFAULT_PATTERN
    regex = re.escape(pattern).replace(r"\{milestone\}", "(?P<milestone>[^/]+)")
    regex = regex.replace(r"\{task\}", "(?P<task>[^/]+)")
    match = re.match(regex + "$", branch) or re.match(regex.split("/(?P<task>")[0] + "$", branch)
    if not match:
        return None
    path = _milestone_file(root, match.group("milestone"))
    if path is None:
        return None
    segment = match.groupdict().get("task")
    if not segment:
        return match.group("milestone"), None
    ids = _ID_LINE.findall(path.read_text(encoding="utf-8"))
    fits = [i for i in ids if segment == i or segment.startswith(i + "-")]
    return match.group("milestone"), max(fits, key=len) if fits else None


def _add_branch_trailers(root: Path, msg: Path) -> None:
    branch = eventlog.git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).stdout.strip()
    refs = branch_refs(root, branch) if branch else None
    if refs is None:
        return
    mid, task = refs
    trailer = f"Task: {mid}/{task}" if task else f"Milestone: {mid}"
    eventlog.git(
        root,
        "interpret-trailers",
        "--in-place",
        "--if-exists",
        "doNothing",
        "--trailer",
        trailer,
        str(msg),
    )


def post_commit(args: list[str], stdin: bytes) -> int:
    """Record the new commit's trailer events (and any events waiting from before the first
    commit) in its note, so they sync to other clones."""
    root = _root()
    if root is None:
        return 0
    fmt = "%H%x1f%aI%x1f%an <%ae>%x1f%(trailers:only,unfold)"
    out = eventlog.git(root, "log", "-1", f"--format={fmt}", "HEAD").stdout.strip("\n")
    sha, stamp, author, block = out.split("\x1f", 3)
    events, problems = commit_events(
        CommitInfo(sha, stamp, author, tuple(parse_trailer_block(block)))
    )
    for problem in problems:
        print(f"git-milestone: {problem} (not recorded)", file=sys.stderr)
    common = Path(eventlog.git(root, "rev-parse", "--git-common-dir").stdout.strip())
    pending = eventlog.pending_file(root / common if not common.is_absolute() else common)
    waiting = pending.read_text(encoding="utf-8") if pending.is_file() else ""
    lines = waiting + "".join(e.to_json() + "\n" for e in events)
    if lines:
        eventlog.git(
            root, "notes", f"--ref={eventlog.NOTES_REF}", "append", "-F", "-", sha, stdin=lines
        )
        pending.unlink(missing_ok=True)
    return 0
