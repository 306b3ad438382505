"""Work sessions: start, pause, resume and stop, each a session_* event in the notes, so they
sync to other clones. A session is the fold of its events; the open session of each work
tree is remembered locally (hooks/resume_state.py) for the hooks. Stdlib only."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis.timeaccount import TimeRules, span_hours
from gitmilestone.core import clock
from gitmilestone.core.events import Event, merge
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.git import eventlog, runner
from gitmilestone.git import localstate as resume_state
from gitmilestone.git.repo import RepoPaths

if TYPE_CHECKING:
    from gitmilestone.git.snapshot import Changes

SESSION_EVENTS = ("session_started", "session_paused", "session_resumed", "session_ended")
_RANK = {"session_started": 0, "session_resumed": 1, "session_paused": 2, "session_ended": 3}
_ID_RE = re.compile(r"^session-(\d{8})-(\d+)$")


@dataclass(frozen=True)
class Session:
    id: str
    key: str  # the session_started event's id: two clones may pick the same display id
    started: str
    milestone_id: str | None = None
    task_id: str | None = None
    author: str | None = None
    branch: str | None = None
    status: str = "active"  # active | paused | ended
    segments: tuple[tuple[str, str | None], ...] = ()  # worked from .. to (None: still open)
    pauses: tuple[Event, ...] = field(default=(), repr=False)
    seq: int = 0  # events seen: the next event of this session is seq + 1

    @property
    def last_pause(self) -> Event | None:
        return self.pauses[-1] if self.pauses else None

    @property
    def task_ref(self) -> str | None:
        if self.milestone_id and self.task_id:
            return f"{self.milestone_id}/{self.task_id}"
        return self.milestone_id

    def hours(self, now: str, rules: TimeRules) -> float:
        """Time worked: every segment, an open one up to `now` (capped: a forgotten pause)."""
        cap = rules.max_session_hours
        return round(sum(span_hours(a, b or now, cap) for a, b in self.segments), 4)


# -- reading ----------------------------------------------------------------------------------


def load_events(root: Path, common_dir: Path) -> list[Event]:
    """Session events from every note (any branch: sessions cross branches) and from events
    still waiting for a first commit."""
    notes, _ = eventlog.note_events(root)
    waiting, _ = eventlog.pending_events(common_dir)
    return [e for e in merge(notes, waiting) if e.event_type in SESSION_EVENTS]


def fold(events: Iterable[Event]) -> list[Session]:
    """Sessions from their events; order and duplicates of the events do not matter."""
    groups: dict[str, list[Event]] = {}
    latest: dict[str, Event] = {}  # display id -> its newest session_started
    unique = merge(e for e in events if e.event_type in SESSION_EVENTS)
    for e in unique:
        if e.event_type == "session_started":
            sid = _sid(e)
            if sid not in latest or latest[sid].timestamp <= e.timestamp:
                latest[sid] = e
    for e in unique:
        origin = e.details.get("origin")
        if e.event_type == "session_started":
            key = e.id
        elif isinstance(origin, str) and origin:
            key = origin
        else:
            key = latest[_sid(e)].id if _sid(e) in latest else "id:" + _sid(e)
        groups.setdefault(key, []).append(e)
    found = [_fold_one(key, group) for key, group in groups.items()]
    return sorted(found, key=lambda s: (s.started, s.id, s.key))


def _sid(e: Event) -> str:
    return str(e.details.get("session") or e.session_id or "session-unknown")


def _fold_one(key: str, group: list[Event]) -> Session:
    group.sort(key=lambda e: (_seq(e), e.timestamp, _RANK[e.event_type], e.id))
    first = next((e for e in group if e.event_type == "session_started"), group[0])
    open_at: str | None = None
    status = "active"
    segments: list[tuple[str, str | None]] = []
    pauses: list[Event] = []
    for e in group:
        kind = e.event_type
        if kind in ("session_started", "session_resumed"):
            open_at, status = open_at or e.timestamp, "active"
            continue
        if open_at is not None:
            segments.append((open_at, e.timestamp))
            open_at = None
        if kind == "session_paused":
            pauses.append(e)
        status = "paused" if kind == "session_paused" else "ended"
    if open_at is not None:
        segments.append((open_at, None))
    named = next((e for e in group if e.milestone_id), first)
    return Session(
        id=_sid(first),
        key=key,
        started=first.timestamp,
        milestone_id=named.milestone_id,
        task_id=named.task_id,
        author=first.author,
        branch=first.details.get("branch"),
        status=status,
        segments=tuple(segments),
        pauses=tuple(pauses),
        seq=max(len(group), max(_seq(e) for e in group)),
    )


def _seq(e: Event) -> int:
    # Events of one session are ordered by their seq first: start, pause and resume within
    # one second would otherwise sort by their random ids.
    value = e.details.get("seq")
    return value if isinstance(value, int) else 0


def next_session_id(known: Iterable[str], day: dt.date) -> str:
    """session-YYYYMMDD-NNN, one more than any session of that day the events show."""
    stamp = day.strftime("%Y%m%d")
    numbers = [int(m.group(2)) for m in map(_ID_RE.match, known) if m and m.group(1) == stamp]
    return f"session-{stamp}-{max(numbers, default=0) + 1:03d}"


def find(found: list[Session], ref: str) -> Session:
    """A session by id (or a unique prefix of one); the newest when two clones chose the same."""
    exact = [s for s in found if s.id == ref]
    matches = exact or [s for s in found if s.id.startswith(ref)]
    if exact or len({s.id for s in matches}) == 1:
        return max(matches, key=lambda s: s.started)
    recent = ", ".join(s.id for s in found[-3:])
    raise NotFoundError(
        f"no session '{ref}'" + (" (several match)" if matches else ""),
        "`git milestone sessions` lists them" + (f"; recent: {recent}" if recent else ""),
    )


def mine(paths: RepoPaths, found: list[Session]) -> Session | None:
    """The session this work tree is in (open or paused), if the events still show it."""
    entry = resume_state.read_worktree(paths.common_dir, paths.git_dir)
    if not entry:
        return None
    s = next((s for s in found if s.key == entry.get("session_key")), None)
    return s if s is not None and s.status != "ended" else None


def current_branch(root: Path) -> str | None:
    out = runner.git(root, "symbolic-ref", "-q", "--short", "HEAD", check=False).stdout
    return out.strip() or None


def branch_target(root: Path, branch: str | None) -> tuple[str | None, str | None]:
    """The milestone and task a branch name points at (milestone/M-001/task-002-...)."""
    from gitmilestone.git.where import branch_refs

    refs = branch_refs(str(root), branch) if branch else None
    return refs if refs is not None else (None, None)


# -- changing ---------------------------------------------------------------------------------


def _record(paths: RepoPaths, kind: str, s: Session, **details: Any) -> Event:
    """A session event, as a note on HEAD. `s.key` is empty while the session is being
    started: its started event's own id becomes the key."""
    extra: dict[str, object] = {"session": s.id, "seq": s.seq + 1, **details}
    if s.key:
        extra["origin"] = s.key
    mid, tid = s.milestone_id, s.task_id
    event = eventlog.new_event(paths.root, kind, mid, tid, extra, session_id=s.id)
    eventlog.record(paths.root, paths.common_dir, [event])
    return event


def _remember(paths: RepoPaths, s: Session, status: str) -> None:
    entry = {
        "session_id": s.id,
        "session_key": s.key,
        "milestone_id": s.milestone_id,
        "task_id": s.task_id,
        "status": status,
    }
    resume_state.write_worktree(paths.common_dir, paths.git_dir, entry)


def start(paths: RepoPaths, milestone_id: str | None, task_id: str | None) -> Session:
    found = fold(load_events(paths.root, paths.common_dir))
    return _start(paths, found, (milestone_id, task_id))[0]


def _start(
    paths: RepoPaths, found: list[Session], target: tuple[str | None, str | None]
) -> tuple[Session, Event]:
    open_ = mine(paths, found)
    if open_ is not None and open_.status == "active":
        raise ConflictError(
            f"session {open_.id} is already open in this work tree"
            + (f" ({open_.task_ref})" if open_.task_ref else ""),
            "pause it (`git milestone pause -m ...`) or end it (`git milestone stop`) first",
        )
    sid = next_session_id([s.id for s in found], clock.today())
    new = Session(id=sid, key="", started="", milestone_id=target[0], task_id=target[1])
    event = _record(paths, "session_started", new, branch=current_branch(paths.root))
    session = fold([event])[0]
    _remember(paths, session, "active")
    return session, event


@dataclass(frozen=True)
class Paused:
    session: Session
    event: Event
    changes: Changes
    snapshot: str | None
    started_now: bool


def pause(paths: RepoPaths, notes: str, next_steps: list[str], rules: TimeRules) -> Paused:
    """Record a resume point for this work tree's session (opening one if there is none):
    context, next steps, the uncommitted work and a snapshot of it. Nothing in the work tree
    or the index changes."""
    from gitmilestone.git import snapshot  # only a pause needs it: `status` folds sessions too

    found_changes = snapshot.check_settled(paths, "pause")
    head = runner.head(paths.root)
    if head is None:
        raise MilestoneError(
            "this branch has no commit yet: a pause is recorded on a commit",
            "make a first commit (`git commit --allow-empty -m Start` will do), then pause",
        )
    branch = current_branch(paths.root)
    events = load_events(paths.root, paths.common_dir)
    session = mine(paths, fold(events))
    started_now = session is None
    if session is None:
        session, begun = _start(paths, fold(events), branch_target(paths.root, branch))
        events.append(begun)
    now = clock.stamp()
    spent = _open_hours(session, now, rules)
    sha = snapshot.create(paths, session.id, head, notes, found_changes) if found_changes else None
    event = _record(
        paths,
        "session_paused",
        session,
        branch=branch,
        head=head,
        notes=notes,
        next_steps=list(next_steps),
        changes=found_changes.listed(),
        snapshot=sha,
        working_directory=cwd(paths.root),
        time_spent=spent,
        session_hours=session.hours(now, rules),
    )
    session = _refold(session, [*events, event])
    _remember(paths, session, "paused")
    if branch:
        resume_state.cache_put(paths.common_dir, branch, cache_entry(session, event))
    return Paused(session, event, found_changes, sha, started_now)


def _open_hours(s: Session, now: str, rules: TimeRules) -> float:
    """The hours of the segment a pause or stop closes now."""
    if s.status != "active" or not s.segments or s.segments[-1][1] is not None:
        return 0.0
    return span_hours(s.segments[-1][0], now, rules.max_session_hours)


def _refold(s: Session, events: list[Event]) -> Session:
    return next(x for x in fold(events) if x.key == s.key)


def cwd(root: Path) -> str:
    try:
        return Path(os.getcwd()).resolve().relative_to(root.resolve()).as_posix() or "."
    except ValueError:
        return "."


def reopen(paths: RepoPaths, session: Session) -> Event:
    """Continue a paused session here (on this clone or another): its clock runs again."""
    open_ = mine(paths, fold(load_events(paths.root, paths.common_dir)))
    if open_ is not None and open_.status == "active" and open_.key != session.key:
        raise ConflictError(
            f"session {open_.id} is open in this work tree, so {session.id} stays paused",
            "pause or stop the open one first, then resume",
        )
    event = _record(paths, "session_resumed", session, branch=current_branch(paths.root))
    _remember(paths, session, "active")
    resume_state.cache_drop(paths.common_dir, session.key)
    return event


def stop(paths: RepoPaths, notes: str, rules: TimeRules) -> tuple[Session, float]:
    """End this work tree's session. Returns it and its total hours."""
    events = load_events(paths.root, paths.common_dir)
    session = mine(paths, fold(events))
    if session is None:
        raise NotFoundError(
            "no session is open in this work tree",
            "`git milestone start` opens one; `git milestone sessions` lists them",
        )
    now = clock.stamp()
    spent = _open_hours(session, now, rules)
    event = _record(paths, "session_ended", session, notes=notes, time_spent=spent)
    resume_state.write_worktree(paths.common_dir, paths.git_dir, None)
    resume_state.cache_drop(paths.common_dir, session.key)
    ended = _refold(session, [*events, event])
    return ended, ended.hours(now, rules)


# -- the resume points the post-checkout hook shows -------------------------------------------


def cache_entry(s: Session, pause: Event) -> dict[str, Any]:
    """What checkout_summary shows of a pause (written at the pause, or rebuilt from notes)."""
    d = pause.details
    counts = (d.get("changes") or {}).get("counts") or {}
    stamp = clock.parse_stamp(pause.timestamp)
    return {
        "session_id": s.id,
        "session_key": s.key,
        "task_ref": s.task_ref,
        "when": stamp.astimezone().strftime("%Y-%m-%d %H:%M"),
        "who": (pause.author or "").split(" <")[0] or None,
        "notes": d.get("notes") or "",
        "next_steps": list(d.get("next_steps") or []),
        "files": sum(v for v in counts.values() if isinstance(v, int)),
        "head": d.get("head"),
        "snapshot": d.get("snapshot"),
    }


def resume_points(found: Iterable[Session]) -> dict[str, dict[str, Any]]:
    """branch -> the resume point waiting there: the last pause of each paused session."""
    points: dict[str, tuple[str, dict[str, Any]]] = {}
    for s in found:
        pause = s.last_pause
        branch = pause.details.get("branch") if pause else None
        if s.status != "paused" or pause is None or not isinstance(branch, str):
            continue
        if branch not in points or points[branch][0] <= pause.timestamp:
            points[branch] = (pause.timestamp, cache_entry(s, pause))
    return {b: entry for b, (_, entry) in points.items()}


def rebuild_resume_cache(root: Path | str, common_dir: Path | str) -> int:
    """Rebuild the branch -> resume point cache from the session events in the notes (after a
    sync brought other clones' pauses). Returns how many branches have a resume point."""
    events = load_events(Path(root), Path(common_dir))
    branches = resume_points(fold(events))
    resume_state.write_cache(common_dir, branches)
    return len(branches)
