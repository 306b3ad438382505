"""The event log through the git CLI: JSON Lines notes on refs/notes/milestones (reading,
recording, events waiting for a commit), merged with the trailers history.py reads. Stdlib
only: post-rewrite and pre-push use it."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable
from pathlib import Path

from gitmilestone.core import clock
from gitmilestone.core.events import Event, merge, parse_note
from gitmilestone.core.nogc import nogc
from gitmilestone.core.trailers import event_id
from gitmilestone.git import notewrite
from gitmilestone.git.notewrite import NOTES_REF as NOTES_REF
from gitmilestone.git.runner import environment, git, head

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from gitmilestone.git.repo import RepoPaths


def note_texts(
    root: Path, ref: str = NOTES_REF, only: Iterable[str] | None = None
) -> dict[str, str]:
    """Notes on `ref` (all, or those of the commits in `only`): annotated commit -> note text,
    with one `notes list` and one `cat-file` for the notes wanted."""
    if only is None:
        return _every_note(root, ref)
    proc = git(root, "notes", f"--ref={ref}", "list", check=False)
    if proc.returncode != 0:  # a missing ref lists nothing and succeeds: this is damage
        raise _damaged(ref, proc.stderr)
    pairs = [_pair(line) for line in proc.stdout.splitlines() if line.strip()]
    wanted = set(only)
    lines = "".join(f"{blob} {commit}\n" for blob, commit in pairs if commit in wanted)
    if not lines:
        return {}
    # surrogateescape: sizes stay byte-exact, and parse_note names the lines not in UTF-8
    batch = git(root, "cat-file", _NOTE_BATCH, stdin=lines, errors="surrogateescape")
    return _batch_notes(batch.stdout.encode("utf-8", "surrogateescape"))


# cat-file writes the rest of each line it reads (the annotated commit) into the header.
_NOTE_BATCH = "--batch=%(objectname) %(objecttype) %(objectsize) %(rest)"


def _every_note(root: Path, ref: str) -> dict[str, str]:
    """Every note on `ref`: `git notes list` piped straight into `git cat-file`, which names
    each note's commit in its header, so no Python stands between the two (10,000 notes
    were fed to cat-file 512 bytes at a time)."""
    import subprocess

    env = environment()
    pipe, quiet = subprocess.PIPE, subprocess.DEVNULL
    listing = subprocess.Popen(
        ["git", "notes", f"--ref={ref}", "list"], cwd=root, stdout=pipe, stderr=pipe, env=env
    )
    assert listing.stdout is not None and listing.stderr is not None
    with listing, subprocess.Popen(
        ["git", "cat-file", _NOTE_BATCH], cwd=root, stdin=listing.stdout, stdout=pipe,
        stderr=quiet, env=env,
    ) as batch:  # fmt: skip
        listing.stdout.close()  # cat-file's alone now
        out = batch.communicate()[0]
        said = listing.stderr.read().decode("utf-8", "replace")
    if listing.returncode != 0:  # a missing ref lists nothing and succeeds: this is damage
        raise _damaged(ref, said)
    return _batch_notes(out)


def _batch_notes(out: bytes) -> dict[str, str]:
    """`<blob> <type> <size> <commit>` headers, each followed by the note; an object git
    cannot find (`<blob> missing`) has no note to read."""
    texts, pos = {}, 0
    while pos < len(out):
        end = out.index(b"\n", pos)
        head = out[pos:end].split()
        if len(head) != 4 or not head[2].isdigit():
            pos = end + 1
            continue
        size = int(head[2])
        # surrogateescape: parse_note names the lines that are not UTF-8
        texts[head[3].decode()] = out[end + 1 : end + 1 + size].decode("utf-8", "surrogateescape")
        pos = end + 1 + size + 1
    return texts


def _damaged(ref: str, stderr: str) -> Exception:
    from gitmilestone.errors import MilestoneError

    said = next((x for x in stderr.splitlines() if x.strip()), "no message")
    return MilestoneError(
        f"cannot read the notes in {ref}: {said}",
        f"if a remote has them, fetch them again: git update-ref -d {ref} && "
        "git milestone sync (events recorded only in this clone's damaged notes are lost)",
    )


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


NOTES_CACHE = "notes.cache"


def notes_tip(root: Path) -> str:
    """What refs/notes/milestones points at ("" when there is no such ref): from git's files
    where they have the plain form, else from git."""
    from gitmilestone.git.headfile import ASK, ref_value

    tip = ref_value(os.fspath(root), NOTES_REF)
    if tip != ASK:
        return tip or ""
    found = git(root, "rev-parse", "-q", "--verify", "--end-of-options", NOTES_REF, check=False)
    return str(found.stdout.strip())


def kept_note_events(root: Path, cache_dir: Path) -> tuple[list[Event], list[str]]:
    """note_events, kept in `cache_dir` under the notes ref's commit (which names every note
    it holds): while no note was written or fetched, a read starts no git process for them
    and parses no note again."""
    from gitmilestone import __version__
    from gitmilestone.core.events import FIELDS
    from gitmilestone.git import logcache

    tip = notes_tip(root)
    if not tip:
        return [], []  # no note was ever written here

    def parsed() -> tuple[list[tuple[Any, ...]], list[str]]:
        events, problems = note_events(root)
        return [tuple(e._replace(details=dict(e.details))) for e in events], problems

    key = (tip, FIELDS, __version__)
    rows, problems = logcache.kept(cache_dir, NOTES_CACHE, key, parsed)
    return list(map(Event._make, rows)), list(problems)


def attached(events: Iterable[Event], commit: str) -> list[Event]:
    """A note's events as they count on the commit the note is attached to. A rewrite copies
    notes to the new commit (notes.rewriteRef); a trailer event copied that way is dropped,
    because a trailer speaks for its own commit only: the new message states its own, and
    post-rewrite carries over what a squash left out."""
    kept = [e for e in events if e.source != "trailer" or e.commit == commit]
    return [e if e.commit == commit else e._replace(commit=commit) for e in kept]


def split_batch(out: str) -> Iterable[str]:
    """Contents from `git cat-file --batch` output (`<sha> <type> <size>\\n<content>\\n`)."""
    data = out.encode("utf-8", "surrogateescape")
    pos = 0
    while pos < len(data):
        end = data.index(b"\n", pos)
        size = int(data[pos:end].split()[2])
        yield data[end + 1 : end + 1 + size].decode("utf-8", "surrogateescape")
        pos = end + 1 + size + 1


@nogc
def all_events(
    root: Path, rev: str = "HEAD", scoped: bool = True, cache_dir: Path | None = None
) -> tuple[list[Event], list[str]]:
    """Trailers on `rev`'s history plus notes, duplicates collapsed. `scoped`: a note counts
    only where the commit it is attached to is in this history, so a task completed on a
    branch shows completed there, and on main once the branch is merged. With `cache_dir`,
    the trailer half comes from the local cache (see logcache) instead of a full scan."""
    if cache_dir is not None:
        from gitmilestone.git.logcache import trailer_log

        from_trailers, problems, in_history, _ = trailer_log(root, cache_dir, rev)
    else:
        from gitmilestone.git.history import trailer_events

        from_trailers, problems, shas = trailer_events(root, rev)
        in_history = shas.__contains__
    notes, bad = note_events(root)
    if scoped:
        notes = [e for e in notes if in_history(e.commit)]
    waiting, unread = pending_events(cache_dir.parent) if cache_dir is not None else ([], [])
    return merge(from_trailers, notes, waiting), _once(problems + bad + unread)


def _once(problems: list[str]) -> list[str]:
    """Each problem once, however often the same bad line was read, and safe to print (it
    may quote a trailer: anyone's text)."""
    from gitmilestone.core.untrusted import printable

    return list(dict.fromkeys(map(printable, problems)))


def pending_events(common_dir: Path) -> tuple[list[Event], list[str]]:
    """Events waiting in the pending file: recorded before the first commit, or while the
    notes were locked by another git command (see record), or by a command between its
    file change and its note."""
    events: list[Event] = []
    problems: list[str] = []
    for path in notewrite.waiting_files(common_dir):
        with contextlib.suppress(OSError):
            text = Path(path).read_bytes().decode("utf-8", "surrogateescape")
            found, bad = parse_note(text, "", where=path)
            events += found
            problems += bad
    return events, problems


def identity(root: Path) -> str:
    """`Name <email>` of whoever records an event, as git would write it as the author.
    GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL, when both are set, win over every config, so git
    need not be asked (scripts and CI set them); git tidies them the same way."""
    name = _without_crud(os.environ.get("GIT_AUTHOR_NAME", ""))
    email = _without_crud(os.environ.get("GIT_AUTHOR_EMAIL", ""))
    if name and email:
        return f"{name} <{email}>"
    proc = git(root, "var", "GIT_AUTHOR_IDENT", check=False)
    ident = proc.stdout.strip()
    return ident[: ident.rfind(">") + 1] if ">" in ident else "unknown"


def _crud(c: str) -> bool:
    return c <= " " or c in ".,:;<>\"\\'"


def _without_crud(text: str) -> str:
    """A name or e-mail as git writes it into an identity (ident.c): characters git calls
    crud trimmed from both ends, and the delimiters <, > and newline dropped inside."""
    start, end = 0, len(text)
    while start < end and _crud(text[start]):
        start += 1
    while end > start and _crud(text[end - 1]):
        end -= 1
    return "".join(c for c in text[start:end] if c not in "<>\n")


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
    return Path(notewrite.pending_path(common_dir))


class EventDeferred(UserWarning):
    """An event could not be written to the notes yet; it waits in the pending file."""


def record(root: Path, common_dir: Path, events: list[Event], hold: bool = False) -> str | None:
    """Attach events (and any still waiting) to HEAD's note. Returns the commit, or None when
    they wait in .git/milestones/pending-events.jsonl: on an unborn branch (the first commit's
    post-commit hook attaches them), or when the notes cannot be written (the next event
    recorded or commit made attaches them; a warning says so)."""
    if events:
        queue(common_dir, events)
    if hold and _held_for_branch(root, common_dir):  # a plan change, not a session's event
        return None
    return flush(root, common_dir, events[0].commit if events else None)


def _held_for_branch(root: Path, common_dir: Path) -> bool:
    """On a branch with no commit of its own yet (another local branch holds HEAD), the
    waiting events move to the branch's own file instead of HEAD's note, so they count on
    this branch only; its first commit attaches them (see branchwait)."""
    from gitmilestone.git import branchwait
    from gitmilestone.git.where import current_branch

    branch = current_branch(str(root))
    if not branch or head(root) is None or not branchwait.shares_head(root, branch):
        return False
    taken, lines = notewrite.take(common_dir)
    if lines.strip():
        branchwait.wait(common_dir, branch, lines)
    notewrite.forget(taken)
    return True


def queue(common_dir: Path, events: list[Event]) -> None:
    """Keep events durably in the pending file (before the change they describe is made
    visible, so a crash in between loses no event)."""
    notewrite.queue(common_dir, "".join(e.to_json() + "\n" for e in events))


def flush(root: Path, common_dir: Path, commit: str | None = None) -> str | None:
    """Move every waiting event into the note on `commit` (default HEAD)."""
    commit = commit or head(root)
    if commit is None:
        return None
    taken, lines = notewrite.take(common_dir)
    if not lines.strip():
        notewrite.forget(taken)
        return commit
    problem = notewrite.append_note(_runner(root), commit, lines, os.fspath(root))
    if problem is None:
        notewrite.forget(taken)
        return commit
    notewrite.queue(common_dir, lines)
    notewrite.forget(taken)
    import warnings

    warnings.warn(
        EventDeferred(
            f"the event could not be written to {NOTES_REF} ({problem}); it is kept in "
            f"{pending_file(common_dir)} and attached with the next event or commit"
        ),
        stacklevel=2,
    )
    return None


def append_note(root: Path, commit: str, lines: str) -> None:
    """Append lines to `commit`'s note by compare-and-swap (see notewrite)."""
    problem = notewrite.append_note(_runner(root), commit, lines, os.fspath(root))
    if problem is not None:
        from gitmilestone.errors import MilestoneError

        raise MilestoneError(
            f"cannot write to {NOTES_REF}: {problem}", "check the repository with `git fsck`"
        )


def _runner(root: Path) -> notewrite.Run:
    def run(*args: str, stdin: str | None = None) -> tuple[int, str]:
        proc = git(root, *args, stdin=stdin, check=False)
        return proc.returncode, proc.stdout

    return run


def record_event(
    paths: RepoPaths,
    event_type: str,
    milestone_id: str | None,
    task_id: str | None = None,
    details: dict[str, object] | None = None,
) -> None:
    """Record what a command changed as a note event attached to HEAD, as part of the work
    session open in this work tree, if any; on a branch without a commit of its own yet, it
    waits for the branch's first commit (see record)."""
    from gitmilestone.git.localstate import active_session

    session = active_session(paths.common_dir, paths.git_dir)
    event = new_event(
        paths.root,
        event_type,
        milestone_id,
        task_id,
        details,
        session_id=session.get("session_id") if session else None,
    )
    record(paths.root, paths.common_dir, [event], hold=True)
