"""Carry events across history rewrites (amend, rebase, squash). Stdlib only: post-rewrite
runs it.

git copies notes to rewritten commits itself when notes.rewriteRef is set, but only in clones
where it is set, and a squash folds several messages into one whose last paragraph is the only
trailer block left. So after every rewrite the new commit gets (1) every note event of the
commits it replaces that it does not hold yet, and (2) when several commits became one, their
trailer events that the new message no longer states, as note events. Event ids are kept, so
running this twice, or alongside git's own copy, never counts anything twice.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from gitmilestone.core.events import CommitInfo, Event, commit_events, parse_note
from gitmilestone.core.trailers import COMMIT_FIELDS, LOG_DATE, parse_trailer_block
from gitmilestone.git import eventlog, runner


def parse_pairs(stdin: bytes) -> dict[str, list[str]]:
    """post-rewrite's input (`<old> <new> [extra]` per line) as new -> [old, ...]."""
    groups: dict[str, list[str]] = {}
    for line in stdin.decode("utf-8", "replace").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] != parts[1]:
            groups.setdefault(parts[1], []).append(parts[0])
    return groups


def carry(root: Path, groups: dict[str, list[str]], folded: bool = False) -> int:
    """Append to each new commit's note what its old commits knew. Returns events carried.
    `folded`: the new message may have dropped trailers even where one commit replaces one
    (a forge's squash message), so check every group for them, not only squashes."""
    if not groups:
        return 0
    olds = [old for group in groups.values() for old in group]
    notes = eventlog.note_texts(root, only=[*olds, *groups])
    infos = commit_infos(root, [*olds, *groups])
    carried = 0
    for new, group in groups.items():
        missing = _missing(new, group, notes, infos, folded)
        if missing:
            lines = "".join(e.to_json() + "\n" for e in missing)
            eventlog.append_note(root, new, lines)
            carried += len(missing)
    return carried


def _missing(
    new: str, group: list[str], notes: dict[str, str], infos: dict[str, CommitInfo], folded: bool
) -> list[Event]:
    # What already counts on the new commit; trailer lines git copied along do not.
    have = {e.id for e in eventlog.attached(parse_note(notes.get(new, ""), new)[0], new)}
    wanted = [e for old in group for e in parse_note(notes.get(old, ""), old)[0]]
    wanted = [e for e in wanted if e.source != "trailer"]
    if len(group) > 1 or folded:  # a squash: messages were folded together
        wanted += _unstated_trailers(new, group, infos)
    out: list[Event] = []
    for e in wanted:
        if e.id not in have:
            have.add(e.id)
            out.append(e)
    return out


def _unstated_trailers(new: str, group: list[str], infos: dict[str, CommitInfo]) -> list[Event]:
    """Trailer events of the squashed commits that the new message does not state again."""
    stated = Counter(str(e.details.get("trailer")) for e in _events_of(infos.get(new)))
    out = []
    for old in group:
        for e in _events_of(infos.get(old)):
            trailer = str(e.details.get("trailer"))
            if stated[trailer] > 0:
                stated[trailer] -= 1
                continue
            details = {**e.details, "carried_from": old}
            out.append(e._replace(source="note", commit=new, details=details))
    return out


def _events_of(info: CommitInfo | None) -> list[Event]:
    return commit_events(info)[0] if info else []


def commit_infos(root: Path, shas: list[str]) -> dict[str, CommitInfo]:
    """Author, date and trailers of the given commits, in one `git log --no-walk`."""
    fmt = COMMIT_FIELDS + "%(trailers:only,unfold)"
    args = ("--no-walk=unsorted", "-z", LOG_DATE, f"--format={fmt}")
    proc = runner.git(root, "log", *args, "--end-of-options", *shas, check=False)
    fields = proc.stdout.split("\0")
    infos = {}
    for at in range(0, len(fields) - 4, 4):
        sha, stamp, author, block = fields[at : at + 4]
        infos[sha] = CommitInfo(sha, stamp, author, tuple(parse_trailer_block(block)))
    return infos
