"""What each hook does. Stdlib only (no pygit2, jsonschema, click or yaml): this runs on every
commit. Hooks never touch tracked files or the index; they write notes and local state.

git runs hooks at the top of the work tree, so a repository that does not plan with
git-milestone is recognised by one stat() call. Everything else is imported only once a hook
knows it has work to do: on a slow disk each stdlib module costs milliseconds.
"""

from __future__ import annotations

import os
import sys

from gitmilestone.core.trailers import COMMIT_FIELDS, LOG_DATE
from gitmilestone.git.spawn import git
from gitmilestone.git.where import (
    SESSIONS_FILE,
    branch_refs,
    common_dir,
    current_branch,
    git_dir,
    milestone_file,
)
from gitmilestone.git.where import root as plan_root

TYPE_CHECKING = False
if TYPE_CHECKING:
    from gitmilestone.git import notewrite

KEYS = ("milestone:", "task:", "completes:", "progress:", "time-spent:", "blocker:")
LINKING = ("Milestone", "Task", "Completes", "Progress")


def commit_msg(args: list[str], stdin: bytes) -> int:
    """Reject a malformed milestone trailer or one naming an unknown or ambiguous milestone or
    task; write short IDs out in full; add Task:/Milestone: from the branch or the active work
    session when the message names no milestone itself."""
    root = plan_root()
    if root is None or not args:
        return 0
    msg = os.path.abspath(args[0])
    with open(msg, encoding="utf-8", errors="replace") as fh:
        lowered = fh.read().lower()
    trailers: list[tuple[str, str]] = []
    if any(key in lowered for key in KEYS):  # the common commit names none: no git call
        trailers = _message_trailers(root, msg)
    written: list[tuple[str, str, str]] = []
    for key, value in trailers:
        try:
            full = _full_value(root, key, value)
        except ValueError as err:  # TrailerError names the trailer; Unresolved the ID only
            said = str(err) if str(err).startswith(key) else f"{key}: {value}: {err}"
            print(f"git-milestone: commit rejected: {said}", file=sys.stderr)
            print(
                "hint: fix the trailer (see `git milestone --help`), or commit with --no-verify",
                file=sys.stderr,
            )
            return 1
        if full != value:
            written.append((key, value, full))
    if written:
        _write_full_ids(msg, written)
    if not any(k in LINKING for k, _ in trailers):
        _add_context_trailer(root, msg)
    return 0


def _message_trailers(root: str, msg: str) -> list[tuple[str, str]]:
    from gitmilestone.core.trailers import ours, parse_trailer_block

    _, parsed = git(root, "interpret-trailers", "--parse", msg)
    return ours(parse_trailer_block(parsed))


def _full_value(root: str, key: str, value: str) -> str:
    """The trailer's value with its milestone and task IDs written out in full; raises
    ValueError when the trailer is malformed or names no milestone or task (or several)."""
    from gitmilestone.core.trailers import check_trailer

    parts = check_trailer(key, value)
    if key not in LINKING:
        return value
    from gitmilestone.git.shortids import full_ref

    mid, task = full_ref(root, parts[0], None if key == "Milestone" else parts[1])
    typed, _, rest = value.strip().partition(" ")
    ref = mid if task is None else f"{mid}/{task}"
    if ref == typed:
        return value
    return f"{ref} {rest}" if rest else ref


def _write_full_ids(msg: str, written: list[tuple[str, str, str]]) -> None:
    """Replace each trailer's value in the message file (its last line with that key and
    value) and say so in one line: history keeps full IDs, unambiguous whatever is added."""
    with open(msg, encoding="utf-8") as fh:
        lines = fh.read().split("\n")
    for key, old, new in written:
        for n in range(len(lines) - 1, -1, -1):
            name, sep, rest = lines[n].partition(":")
            if sep and name.strip().lower() == key.lower() and rest.strip() == old:
                lines[n] = f"{name}: {new}"
                break
    with open(msg, "w", encoding="utf-8") as fh:
        fh.write("\n".join(lines))
    said = ", ".join(f"{old.split()[0]} -> {new.split()[0]}" for _, old, new in written)
    print(f"git-milestone: wrote the full IDs in the message: {said}", file=sys.stderr)


def _add_context_trailer(root: str, msg: str) -> None:
    """The open work session names the work first (it is the explicit choice); else the
    branch name, read through branch_pattern."""
    refs = _session_refs(root)
    if refs is None:
        branch = current_branch(root)
        refs = branch_refs(root, branch) if branch else None
    if refs is None:
        return
    mid, task = refs
    trailer = f"Task: {mid}/{task}" if task else f"Milestone: {mid}"
    git(
        root,
        "interpret-trailers",
        "--in-place",
        "--if-exists",
        "doNothing",
        "--trailer",
        trailer,
        msg,
    )


def _session_refs(root: str) -> tuple[str, str | None] | None:
    shared = common_dir(root)
    if not os.path.exists(os.path.join(shared, "milestones", SESSIONS_FILE)):
        return None  # nobody ever started a session here: no module to load
    from gitmilestone.git.localstate import active_session

    session = active_session(shared, git_dir(root))
    mid = session.get("milestone_id") if session else None
    if not session or not mid or milestone_file(root, mid) is None:
        return None
    return mid, session.get("task_id")


def post_commit(args: list[str], stdin: bytes) -> int:
    """Record the new commit's trailer events (and any events waiting from before the first
    commit) in its note, so they sync to other clones."""
    root = plan_root()
    if root is None:
        return 0
    from gitmilestone.git import notewrite

    common = os.environ.get("GIT_COMMON_DIR") or common_dir(root)
    taken, lines = notewrite.take(common)
    branch = current_branch(root)
    waited = _branch_waiting(root, branch)  # recorded before the branch had a commit
    lines += waited
    if not lines.strip() and not waited and not _may_name_milestones(root):
        notewrite.forget(taken)
        return 0  # the common commit: nothing to record, and no git process started
    fmt = COMMIT_FIELDS + "%(trailers:only,unfold)"
    _, out = git(root, "log", "-1", "-z", LOG_DATE, f"--format={fmt}", "HEAD")
    sha, stamp, author, block, *_ = [*out.split("\0"), "", "", "", ""]  # all "" if git failed
    if any(key in block.lower() for key in KEYS):
        lines += _trailer_lines(sha, stamp, author, block)
    if lines.strip() and notewrite.append_note(_quiet_git(root), sha, lines, root) is not None:
        notewrite.queue(common, lines)  # kept for the next event or commit
    elif waited and branch:
        from gitmilestone.git.branchwait import forget

        forget(common, branch)
    notewrite.forget(taken)
    return 0


def _may_name_milestones(root: str) -> bool:
    """Whether HEAD's commit may carry a milestone trailer: False only when its loose object
    (a commit just made is one) holds none of the trailer keys anywhere."""
    from gitmilestone.git.headfile import ASK, head_commit, loose_object

    sha = head_commit(root)
    raw = loose_object(root, sha) if sha and sha != ASK else None
    if raw is None or not raw.startswith(b"commit "):
        return True  # not read here: git log decides
    lowered = raw.lower()
    return any(key.encode("ascii") in lowered for key in KEYS)


def _quiet_git(root: str) -> notewrite.Run:
    """git for the notes writer: a lost race is retried, so git's complaint is not shown."""

    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        return git(root, *args, stdin=stdin, quiet=True)

    return run


def _trailer_lines(sha: str, stamp: str, author: str, block: str) -> str:
    from gitmilestone.core.trailers import parse_trailer_block, to_json, trailer_records

    records, problems = trailer_records(sha, stamp, author, parse_trailer_block(block))
    for problem in problems:
        print(f"git-milestone: {problem} (not recorded)", file=sys.stderr)
    return "".join(to_json(r) + "\n" for r in records)


def _branch_waiting(root: str, branch: str | None) -> str:
    """Events recorded on this branch before it had a commit of its own (see branchwait)."""
    shared = common_dir(root)
    if branch is None or not os.path.isdir(os.path.join(shared, "milestones", "branch-waiting")):
        return ""
    from gitmilestone.git.branchwait import read

    return read(shared, branch)


def post_checkout(args: list[str], stdin: bytes) -> int:
    """After switching branches, say where work on that branch was paused (at most 3 lines)
    and, in one more line, that the branch's milestone is due soon or overdue."""
    root = plan_root()
    if root is None or len(args) < 3 or args[2] != "1":  # "1": a branch checkout, not a file
        return 0
    branch = current_branch(root)
    if branch is None:
        return 0
    from gitmilestone.git.localstate import checkout_summary

    for line in checkout_summary(root, git_dir(root), branch)[:3]:
        print(line, file=sys.stderr)
    from gitmilestone.hooks.due import due_line

    due = due_line(root, branch)
    if due:
        print(due, file=sys.stderr)
    return 0


def post_rewrite(args: list[str], stdin: bytes) -> int:
    """Carry events across amend, rebase and squash (see gitmilestone.git.rewrite)."""
    root = plan_root()
    if root is None:
        return 0
    from pathlib import Path

    from gitmilestone.git.rewrite import carry, parse_pairs

    carried = carry(Path(root), parse_pairs(stdin))
    if carried:
        print(f"git-milestone: carried {carried} events to the rewritten commits", file=sys.stderr)
    return 0


def post_merge(args: list[str], stdin: bytes) -> int:
    """After a merge that changed the plan, warn about task IDs both sides created; after a
    pull that brought a squashed or rebased landing of a local branch, carry its facts."""
    root = plan_root()
    if root is None:
        return 0
    _carry_landings(root)
    _, names = git(root, "diff", "--name-only", "ORIG_HEAD", "HEAD", "--", ".milestones/active")
    for name in names.split():
        if name.endswith(".yaml"):
            for problem in _duplicate_task_ids(os.path.join(root, name)):
                print(f"git-milestone: {name}: {problem}", file=sys.stderr)
    return 0


def _carry_landings(root: str) -> None:
    """See gitmilestone.git.landing: only the commits this merge brought are looked at."""
    rc, _ = git(root, "rev-parse", "-q", "--verify", "ORIG_HEAD")
    if rc != 0:
        return
    from pathlib import Path

    from gitmilestone.git.landing import carry_landed

    carried = sum(x.carried for x in carry_landed(Path(root), "HEAD", since="ORIG_HEAD"))
    if carried:
        print(f"git-milestone: carried {carried} events of squashed or rebased branches to "
              "their commits here", file=sys.stderr)  # fmt: skip


def _duplicate_task_ids(path: str) -> list[str]:
    import re

    try:
        with open(path, encoding="utf-8") as fh:
            ids = re.findall(r"^\s*- id:\s*['\"]?([A-Za-z0-9][A-Za-z0-9_-]*)", fh.read(), re.M)
    except OSError:
        return []
    dups = sorted({i for n, i in enumerate(ids) if i in ids[:n]})
    return [f"two tasks are called {i} after this merge; run git milestone fix-ids" for i in dups]


def pre_push(args: list[str], stdin: bytes) -> int:
    """Opt-in: sync milestone notes with the remote being pushed to. Never blocks the push."""
    root = plan_root()
    if root is None or not args or stdin.strip() == b"":
        return 0
    from pathlib import Path

    from gitmilestone.commands.sync import sync_notes
    from gitmilestone.errors import MilestoneError
    from gitmilestone.git.repo import discover

    remote = args[0]
    rc, _ = git(root, "remote", "get-url", remote)
    if rc != 0:
        return 0  # pushing to a URL, not a named remote: nowhere to keep tracking notes
    try:
        result = sync_notes(discover(Path(root)), remote)
    except MilestoneError as err:
        print(f"git-milestone: notes not synced: {err.message}", file=sys.stderr)
        return 0
    sent = f", sent {result.sent}" if result.pushed else ""
    print(
        f"git-milestone: synced notes with {remote}: received {result.received}{sent}",
        file=sys.stderr,
    )
    return 0
