"""The resume point: what you were doing and why, what happened since, and what is ready now.

Shaped as a ResumePoint (session_id, timestamp, active_milestone, current_task,
context, progress_snapshot) plus what a resume needs on top. It comes from the latest pause of
the session, or, where nothing was paused, is derived from the branch, the uncommitted changes
and the most recent events.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis.timeaccount import TimeRules, hours_today
from gitmilestone.commands import sessions
from gitmilestone.commands.sessions import Session
from gitmilestone.commands.status import work_sessions
from gitmilestone.core import clock
from gitmilestone.core.events import Event, task_facts
from gitmilestone.core.model import Milestone, Settings, Task, milestone_status
from gitmilestone.core.untrusted import is_object_id
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.git import eventlog, runner, snapshot

if TYPE_CHECKING:
    from gitmilestone.git.repo import RepoPaths
    from gitmilestone.workspace import Workspace

MAX_COMMITS = 20
MAX_EVENTS = 5
# Events that say someone worked on a task, rather than planned it.
_WORK = frozenset({"task_started", "task_worked", "progress_updated", "time_logged"})


@dataclass(frozen=True)
class Point:
    data: dict[str, Any]  # the ResumePoint, as `resume --json` prints it
    session: Session | None  # the session it belongs to, if any


@dataclass(frozen=True)
class _Log:
    scoped: list[Event]  # what counts on this branch's history
    sessions: list[Session]  # every clone's: sessions cross branches
    problems: list[str]


def choose(
    paths: RepoPaths, found: list[Session], ref: str | None, branch: str | None
) -> Session | None:
    """--session ID; else this work tree's session; else the newest pause on this branch."""
    if ref:
        return sessions.find(found, ref)
    own = sessions.mine(paths, found)
    if own is not None:
        return own
    waiting = [
        s
        for s in found
        if s.status == "paused" and s.last_pause and s.last_pause.details.get("branch") == branch
    ]
    return max(waiting, key=_paused_at, default=None)


def _paused_at(s: Session) -> str:
    return s.last_pause.timestamp if s.last_pause else s.started


def build(ws: Workspace, session_ref: str | None = None) -> Point:
    store, paths = ws.store, ws.paths
    log = _Log(ws.log.scoped, work_sessions(ws), ws.log.problems)
    branch = sessions.current_branch(paths.root)
    chosen = choose(paths, log.sessions, session_ref, branch)
    milestones = ws.plan()
    settings = store.settings()
    rules = TimeRules.from_config(store.config())
    now = clock.stamp()
    # An open session answers from the work tree; a paused or ended one from its last pause.
    shown = chosen.last_pause if chosen is not None and chosen.status != "active" else None
    mid, tid = _target(paths, chosen, branch, log.scoped)
    current = snapshot.changes(paths.root)
    data: dict[str, Any] = {
        "session_id": chosen.id if chosen else None,
        "timestamp": shown.timestamp if shown else now,
        "active_milestone": mid,
        "current_task": tid,
        "source": "pause" if shown else ("session" if chosen else "derived"),
    }
    ready, problem = ready_tasks(milestones, settings, mid)
    data["context"] = _context(paths, shown, branch, current)
    if shown is None:
        last = chosen.last_pause if chosen else None
        in_hand = [p for p in _scope(milestones, settings, mid) if p[1].status == "in_progress"]
        data["context"].update(_derived_notes(last, log.scoped, mid, in_hand + ready))
    data["progress_snapshot"] = _progress(milestones, settings, mid, log, now, rules, paths)
    data["session"] = _session_info(chosen, now, rules) if chosen else None
    data.update(_titles(milestones, mid, tid))
    data["changes"] = (shown.details.get("changes") if shown else None) or current.listed()
    data["snapshot"] = _snapshot_info(paths, chosen, shown, current) if shown else None
    data["since"] = _since(paths, shown) if shown else None
    data["ready_tasks"] = [_task_row(m, t) for m, t in ready if (m.id, t.id) != (mid, tid)]
    data["recent_events"] = [_event_row(e) for e in log.scoped[-MAX_EVENTS:]][::-1]
    data["warnings"] = log.problems + ([problem] if problem else [])
    return Point(data, chosen)


def _target(
    paths: RepoPaths, chosen: Session | None, branch: str | None, scoped: list[Event]
) -> tuple[str | None, str | None]:
    """The milestone and task: the session's, else the branch's, else the latest event's."""
    if chosen is not None and chosen.milestone_id:
        return chosen.milestone_id, chosen.task_id
    mid, tid = sessions.branch_target(paths.root, branch)
    if mid:
        return mid, tid
    named = [e for e in scoped if e.milestone_id]
    worked = [e for e in named if e.event_type in _WORK or e.event_type.startswith("session_")]
    latest = (worked or named)[-1] if named else None
    return (latest.milestone_id, latest.task_id) if latest else (None, None)


def _context(
    paths: RepoPaths, pause: Event | None, branch: str | None, current: snapshot.Changes
) -> dict[str, Any]:
    if pause is None:
        return {
            "working_directory": sessions.cwd(paths.root),
            "open_files": current.files,
            "current_branch": branch,
            "uncommitted_changes": bool(current),
            "notes": "",
            "next_steps": [],
        }
    d = pause.details
    listed = d.get("changes") or {}
    files = sorted({f for k in ("staged", "unstaged", "untracked") for f in listed.get(k) or ()})
    return {
        "working_directory": d.get("working_directory") or ".",
        "open_files": files,
        "current_branch": d.get("branch"),
        "uncommitted_changes": bool(files),
        "notes": d.get("notes") or "",
        "next_steps": list(d.get("next_steps") or []),
    }


def _derived_notes(
    pause: Event | None, scoped: list[Event], mid: str | None, tasks: list[tuple[Milestone, Task]]
) -> dict[str, Any]:
    """Without a pause to read from: the last pause's words if there was one, else the most
    recent note that says something, and next steps: the tasks in progress, then the ready."""
    if pause is not None:
        d = pause.details
        return {"notes": d.get("notes") or "", "next_steps": list(d.get("next_steps") or [])}
    said = next(
        (
            e
            for e in reversed(scoped)
            if isinstance(e.details.get("notes"), str)
            and e.details["notes"]
            and (mid is None or e.milestone_id == mid)
        ),
        None,
    )
    notes = f"{said.details['notes']} ({said.event_type}, {said.timestamp[:10]})" if said else ""
    steps = [
        f"{'Continue' if t.status == 'in_progress' else 'Start'} {m.id}/{t.id}: {t.title}"
        for m, t in tasks
    ]
    return {"notes": notes, "next_steps": steps[:3]}


def _scope(
    milestones: list[Milestone], settings: Settings, mid: str | None
) -> list[tuple[Milestone, Task]]:
    """Tasks of the milestone in hand, else of every milestone not completed."""
    chosen = [m for m in milestones if m.id == mid]
    pool = chosen or [m for m in milestones if milestone_status(m, settings) != "completed"]
    return [(m, t) for m in pool for t in m.tasks]


def ready_tasks(
    milestones: list[Milestone], settings: Settings, mid: str | None
) -> tuple[list[tuple[Milestone, Task]], str | None]:
    """Pending tasks whose dependencies are done, as `git milestone deps --ready` finds them,
    in the milestone in hand (else in all), and why there are none when the dependency graph
    cannot be built (an unknown ID, a cycle)."""
    from gitmilestone.analysis.deps import ready
    from gitmilestone.analysis.graph import build

    try:
        rows = ready(build(milestones))
    except MilestoneError as err:
        return [], f"dependencies: {err.message}"
    pending = {(f"{m.id}/{t.id}"): (m, t) for m, t in _scope(milestones, settings, mid)}
    return [pending[r["id"]] for r in rows if r["id"] in pending and r["status"] == "pending"], None


def _progress(
    milestones: list[Milestone],
    settings: Settings,
    mid: str | None,
    log: _Log,
    now: str,
    rules: TimeRules,
    paths: RepoPaths,
) -> dict[str, Any]:
    tasks = _scope(milestones, settings, mid)
    facts = task_facts(log.scoped)
    blockers = [
        f"{m.id}/{t.id}: {t.blocked_reason or 'blocked'}" for m, t in tasks if t.status == "blocked"
    ]
    for m, t in tasks:
        if t.status != "completed":
            said = facts.get((m.id, t.id))
            blockers += [f"{m.id}/{t.id}: {b}" for b in (said.blockers if said else ())]
    return {
        "completed_tasks": [f"{m.id}/{t.id}" for m, t in tasks if t.status == "completed"],
        "in_progress_tasks": [f"{m.id}/{t.id}" for m, t in tasks if t.status == "in_progress"],
        "time_spent_today": hours_today(log.sessions, now, rules, eventlog.identity(paths.root)),
        "blockers": list(dict.fromkeys(blockers)),
    }


def _session_info(s: Session, now: str, rules: TimeRules) -> dict[str, Any]:
    return {
        "id": s.id,
        "status": s.status,
        "started": s.started,
        "author": s.author,
        "branch": s.branch,
        "hours": s.hours(now, rules),
        "pauses": len(s.pauses),
    }


def _titles(milestones: list[Milestone], mid: str | None, tid: str | None) -> dict[str, Any]:
    m = next((x for x in milestones if x.id == mid), None)
    t = m.task(tid) if m and tid else None
    return {
        "milestone_title": m.title if m else None,
        "task_title": t.title if t else None,
        "task_status": t.status if t else None,
    }


def _snapshot_info(
    paths: RepoPaths, s: Session | None, pause: Event | None, current: snapshot.Changes
) -> dict[str, Any] | None:
    recorded = pause.details.get("snapshot") if pause else None
    if s is None or not recorded:
        return {"commit": None, "ref": None, "available": False, "worktree": _plain(current)}
    sha = snapshot.resolve(paths, recorded)
    return {
        "commit": recorded,
        "ref": snapshot.ref_name(s.id),
        "available": sha is not None,
        "worktree": _state(paths, sha),
    }


def _state(paths: RepoPaths, sha: str | None) -> str:
    try:
        return snapshot.state(paths, sha) if sha else "unknown"
    except MilestoneError:  # not a snapshot at all: --restore says so
        return "unknown"


def _plain(current: snapshot.Changes) -> str:
    return "differs" if current else "clean"


def _since(paths: RepoPaths, pause: Event | None) -> dict[str, Any]:
    head = pause.details.get("head") if pause else None
    if not is_object_id(head):  # a note is anyone's text: only a commit id reaches git
        return {"head": None, "known": False, "commits": [], "count": 0}
    fmt = "--format=%H%x1f%an%x1f%aI%x1f%s"
    proc = runner.git(
        paths.root, "log", fmt, "--end-of-options", f"{head}..HEAD", "--", check=False
    )
    if proc.returncode != 0:  # the paused commit is not in this clone (not fetched, or gone)
        return {"head": head, "known": False, "commits": [], "count": 0}
    rows = [line.split("\x1f", 3) for line in proc.stdout.splitlines() if line]
    commits = [{"commit": c, "author": a, "timestamp": w, "subject": s} for c, a, w, s in rows]
    return {"head": head, "known": True, "commits": commits[:MAX_COMMITS], "count": len(commits)}


def _task_row(m: Milestone, t: Task) -> dict[str, Any]:
    return {"ref": f"{m.id}/{t.id}", "title": t.title, "estimated_hours": t.estimated_hours}


def _event_row(e: Event) -> dict[str, Any]:
    what = e.details.get("trailer") or e.details.get("notes") or ""
    return {
        "timestamp": e.timestamp,
        "event_type": e.event_type,
        "milestone_id": e.milestone_id,
        "task_id": e.task_id,
        "what": str(what),
        "author": e.author,
    }


def restore(
    paths: RepoPaths, point: Point, found: list[Session] | None = None
) -> tuple[snapshot.Restored, Session]:
    """Bring back the uncommitted work the point's pause saved (when the point has no pause,
    e.g. the session was resumed elsewhere since: the latest snapshot taken on this branch).
    Returns it and the session it belongs to. Refuses, changing nothing, when there is none,
    when it is gone, on another branch, or where it would overwrite changes."""
    s = point.session
    if s is None or s.last_pause is None:
        s = _latest_snapshot(found or [], sessions.current_branch(paths.root)) or s
    pause = s.last_pause if s else None
    recorded = pause.details.get("snapshot") if pause else None
    if s is None or pause is None:
        raise NotFoundError(
            "nothing to restore: no pause recorded for this branch",
            '`git milestone pause -m "..."` saves uncommitted work; `git milestone sessions` '
            "lists sessions (choose one with --session)",
        )
    if not recorded:
        raise NotFoundError(
            f"nothing to restore: the pause of {s.id} had no uncommitted work",
            "the work tree was clean when it was paused; commits since are in `git log`",
        )
    sha = snapshot.resolve(paths, str(recorded))
    if sha is None:
        raise snapshot.missing(s.id)
    branch, here = pause.details.get("branch"), sessions.current_branch(paths.root)
    if branch and branch != here:
        raise ConflictError(
            f"the snapshot of {s.id} was taken on branch {branch}; this work tree is on "
            f"{here or 'a detached HEAD'}",
            f"switch first (`git switch {branch}`), then run `git milestone resume --restore`",
        )
    return snapshot.restore(paths, s.id, sha), s


def _latest_snapshot(found: list[Session], branch: str | None) -> Session | None:
    """The session whose last pause saved a snapshot on `branch`, newest first, whatever
    became of the session since (resumed on another clone, ended)."""
    saved = [
        s
        for s in found
        if s.last_pause is not None
        and s.last_pause.details.get("snapshot")
        and s.last_pause.details.get("branch") == branch
    ]
    return max(saved, key=_paused_at, default=None)
