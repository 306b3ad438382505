"""The event log through the git CLI: JSON Lines notes on refs/notes/milestones (reading,
recording, events waiting for a commit), merged with the trailers history.py reads. Stdlib
only: post-rewrite and pre-push use it."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from gitmilestone.core import clock
from gitmilestone.core.events import Event, merge, parse_note
from gitmilestone.core.trailers import event_id
from gitmilestone.git.runner import git, head

TYPE_CHECKING = False
if TYPE_CHECKING:
    from gitmilestone.git.repo import RepoPaths

NOTES_REF = "refs/notes/milestones"


def note_texts(
    root: Path, ref: str = NOTES_REF, only: Iterable[str] | None = None
) -> dict[str, str]:
    """Notes on `ref` (all, or those of the commits in `only`): annotated commit -> note text,
    with one `notes list` and one `cat-file` for the notes wanted."""
    proc = git(root, "notes", f"--ref={ref}", "list", check=False)
    if proc.returncode != 0:  # a missing ref lists nothing and succeeds: this is damage
        from gitmilestone.errors import MilestoneError

        said = next((x for x in proc.stderr.splitlines() if x.strip()), "no message")
        raise MilestoneError(
            f"cannot read the notes in {ref}: {said}",
            f"if a remote has them, fetch them again: git update-ref -d {ref} && "
            "git milestone sync (events recorded only in this clone's damaged notes are lost)",
        )
    pairs = [_pair(line) for line in proc.stdout.splitlines() if line.strip()]
    if only is not None:
        wanted = set(only)
        pairs = [(blob, commit) for blob, commit in pairs if commit in wanted]
    if not pairs:
        return {}
    batch = git(root, "cat-file", "--batch", stdin="".join(f"{blob}\n" for blob, _ in pairs))
    texts = split_batch(batch.stdout)
    return {commit: text for (_, commit), text in zip(pairs, texts, strict=False)}


def _pair(line: str) -> tuple[str, str]:
    """`<note blob> <annotated object>` (SHA-1 or SHA-256 ids alike)."""
    blob, _, commit = line.strip().partition(" ")
    return blob, commit


def note_events(root: Path, ref: str = NOTES_REF) -> tuple[list[Event], list[str]]:
    events: list[Event] = []
    problems: list[str] = []
    for commit, text in note_texts(root, ref).items():
        found, bad = parse_note(text, commit)
        events += attached(found, commit)
        problems += bad
    return events, problems


def attached(events: Iterable[Event], commit: str) -> list[Event]:
    """A note's events as they count on the commit the note is attached to. A rewrite copies
    notes to the new commit (notes.rewriteRef); a trailer event copied that way is dropped,
    because a trailer speaks for its own commit only: the new message states its own, and
    post-rewrite carries over what a squash left out."""
    kept = [e for e in events if e.source != "trailer" or e.commit == commit]
    return [e._replace(commit=commit) for e in kept]


def split_batch(out: str) -> Iterable[str]:
    """Contents from `git cat-file --batch` output (`<sha> <type> <size>\\n<content>\\n`)."""
    data = out.encode("utf-8")
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        size = int(data[pos:end].split()[2])
        yield data[end + 1 : end + 1 + size].decode("utf-8", "replace")
        pos = end + 1 + size + 1


def all_events(
    root: Path, rev: str = "HEAD", scoped: bool = True, cache_dir: Path | None = None
) -> tuple[list[Event], list[str]]:
    """Trailers on `rev`'s history plus notes, duplicates collapsed. `scoped`: a note counts
    only where the commit it is attached to is in this history, so a task completed on a
    branch shows completed there, and on main once the branch is merged. With `cache_dir`,
    the trailer half comes from the local cache (see logcache) instead of a full scan."""
    if cache_dir is not None:
        from gitmilestone.git.logcache import trailer_log

        from_trailers, problems, in_history = trailer_log(root, cache_dir, rev)
    else:
        from gitmilestone.git.history import trailer_events

        from_trailers, problems, shas = trailer_events(root, rev)
        in_history = shas.__contains__
    notes, bad = note_events(root)
    if scoped:
        notes = [e for e in notes if in_history(e.commit)]
    waiting, unread = pending_events(cache_dir.parent) if cache_dir is not None else ([], [])
    return merge(from_trailers, notes, waiting), problems + bad + unread


def pending_events(common_dir: Path) -> tuple[list[Event], list[str]]:
    """Events waiting in the pending file: recorded before the first commit, or while the
    notes were locked by another git command (see record)."""
    path = pending_file(common_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return [], []
    return parse_note(text, "", where=str(path))


def identity(root: Path) -> str:
    proc = git(root, "var", "GIT_AUTHOR_IDENT", check=False)
    ident = proc.stdout.strip()
    return ident[: ident.rfind(">") + 1] if ">" in ident else "unknown"


def new_event(
    root: Path,
    event_type: str,
    milestone_id: str | None,
    task_id: str | None = None,
    details: dict[str, object] | None = None,
    session_id: str | None = None,
) -> Event:
    stamp = clock.stamp()
    author = identity(root)
    commit = head(root)
    eid = event_id(
        stamp, author, event_type, milestone_id or "", task_id or "", os.urandom(8).hex()
    )
    return Event(
        id=eid,
        timestamp=stamp,
        event_type=event_type,
        milestone_id=milestone_id,
        task_id=task_id,
        details=details or {},
        session_id=session_id,
        author=author,
        commit=commit,
        source="note",
    )


def pending_file(common_dir: Path) -> Path:
    return common_dir / "milestones" / "pending-events.jsonl"


class EventDeferred(UserWarning):
    """An event could not be written to the notes yet; it waits in the pending file."""


_RETRIES = (0.05, 0.1, 0.2, 0.4)  # seconds to wait for another git command's notes lock


def record(root: Path, common_dir: Path, events: list[Event]) -> str | None:
    """Attach events (and any still waiting) to HEAD's note. Returns the commit, or None when
    they wait in .git/milestones/pending-events.jsonl: on an unborn branch (the first commit's
    post-commit hook attaches them), or when the notes ref stays locked by another git
    command (the next event recorded or commit made attaches them; a warning says so)."""
    if not events:
        return None
    commit = events[0].commit or head(root)
    lines = "".join(e.to_json() + "\n" for e in events)
    if commit is None:
        _queue(common_dir, lines)
        return None
    waiting = _take_pending(common_dir)
    problem = _append_note(root, commit, (waiting[1] if waiting else "") + lines)
    if problem is None:
        if waiting:
            waiting[0].unlink(missing_ok=True)
        return commit
    _queue(common_dir, (waiting[1] if waiting else "") + lines)
    if waiting:
        waiting[0].unlink(missing_ok=True)
    import warnings

    where = pending_file(common_dir)
    warnings.warn(
        EventDeferred(
            f"the event could not be written to {NOTES_REF} ({problem}); it is kept in {where} "
            "and attached with the next event or commit"
        ),
        stacklevel=2,
    )
    return None


def _append_note(root: Path, commit: str, lines: str) -> str | None:
    """Append to the commit's note, waiting a little for a lock another git command holds.
    Returns git's complaint when it does not succeed."""
    import time

    for pause in (*_RETRIES, None):
        proc = git(root, "notes", f"--ref={NOTES_REF}", "append", "-F", "-", commit,
                   stdin=lines, check=False)  # fmt: skip
        if proc.returncode == 0:
            return None
        if pause is None or "lock" not in proc.stderr:
            break
        time.sleep(pause)
    return next((x for x in proc.stderr.splitlines() if x.strip()), "git notes failed")


def _queue(common_dir: Path, lines: str) -> None:
    path = pending_file(common_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(lines)


def _take_pending(common_dir: Path) -> tuple[Path, str] | None:
    """Move the pending file aside (so lines queued meanwhile are not lost) and read it."""
    path = pending_file(common_dir)
    taken = path.with_name(f"{path.name}.{os.getpid()}")
    try:
        os.replace(path, taken)
    except OSError:
        return None
    return taken, taken.read_text(encoding="utf-8")


def record_event(
    paths: RepoPaths,
    event_type: str,
    milestone_id: str | None,
    task_id: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """Record what a command changed as a note event attached to HEAD, as part of the work
    session open in this work tree, if any; on a branch without a commit of its own yet, it
    waits for the branch's first commit (see branchwait)."""
    from gitmilestone.git import branchwait
    from gitmilestone.git.localstate import active_session
    from gitmilestone.git.where import current_branch

    session = active_session(paths.common_dir, paths.git_dir)
    event = new_event(
        paths.root,
        event_type,
        milestone_id,
        task_id,
        details,
        session_id=session.get("session_id") if session else None,
    )
    branch = current_branch(str(paths.root))
    if branch and event.commit and branchwait.shares_head(paths.root, branch):
        branchwait.wait(paths.common_dir, branch, event.to_json() + "\n")
        return
    record(paths.root, paths.common_dir, [event])
