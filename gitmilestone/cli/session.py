"""Work sessions: start, pause, resume, stop, and the list of sessions with their time."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

if TYPE_CHECKING:
    from gitmilestone.storage.store import Store


def _opened() -> Store:
    store = workspace().store
    store.require_initialized()
    return store


def _target(store: Store, ref: str | None, task: str | None) -> tuple[str | None, str | None]:
    """MILESTONE, MILESTONE/TASK, --task TASK, or what the branch name says."""
    from gitmilestone.commands.sessions import branch_target, current_branch

    if ref and "/" in ref and not task:
        m, t = store.resolve_task(ref)
        return m.id, t.id
    if task:
        m, t = store.resolve_task(task, store.resolve(ref).id if ref else None)
        return m.id, t.id
    if ref:
        return store.resolve(ref).id, None
    return branch_target(store.paths.root, current_branch(store.paths.root))


def _rules(store: Store) -> Any:
    from gitmilestone.analysis.timeaccount import TimeRules

    return TimeRules.from_config(store.config())


@click.command("start")
@click.argument("milestone_id", required=False)
@click.option("--task", "task_ref", help="The task worked on: TASK-ID or M-ID/TASK-ID.")
@click.option("--json", "as_json", is_flag=True, help="Print the new session as JSON.")
def start_cmd(milestone_id: str | None, task_ref: str | None, as_json: bool) -> None:
    """Open a work session on a milestone or task, in this work tree.

    Without MILESTONE_ID the branch name says what is worked on (milestone/M-001/task-002).
    The session is recorded as an event in git notes, so it syncs; commits made while it is
    open are linked to its task. End it with `pause` (to come back) or `stop`.

    \b
    Examples:
      git milestone start M-001 --task task-002
      git milestone start M-001/task-002
    """
    from gitmilestone.commands.sessions import start

    store = _opened()
    mid, tid = _target(store, milestone_id, task_ref)
    s = start(store.paths, mid, tid)
    if as_json:
        emit_json({"session_id": s.id, "milestone_id": mid, "task_id": tid, "started": s.started})
    else:
        click.echo(f"Started {s.id}" + (f" on {s.task_ref}" if s.task_ref else ""))


@click.command("pause")
@click.option("-m", "--message", "notes", default="", help="What you were doing, and why.")
@click.option("--next", "next_steps", multiple=True, help="A next step (repeatable, in order).")
@click.option("--json", "as_json", is_flag=True, help="Print what was recorded as JSON.")
def pause_cmd(notes: str, next_steps: tuple[str, ...], as_json: bool) -> None:
    """Record a resume point: where you stopped, why, and what comes next.

    Records the branch, HEAD, the staged, unstaged and untracked files, and a snapshot of
    that uncommitted work as a stash-like commit under refs/milestones/wip/<session>, while
    your work tree and index stay exactly as they are. The pause is an event in git notes,
    so `git milestone resume` finds it here and, after a sync, on any other clone.
    Without an open session, one is opened for the branch's milestone and paused at once.

    \b
    Example:
      git milestone pause -m "Reset emails: templates half done" \\
          --next "Finish the HTML template" --next "Test the reset flow"
    """
    from gitmilestone.commands.sessions import pause
    from gitmilestone.render.resume import pause_lines

    store = _opened()
    done = pause(store.paths, notes, list(next_steps), _rules(store))
    counts = done.event.details["changes"]["counts"]
    info = {
        "session_id": done.session.id,
        "task_ref": done.session.task_ref,
        "started_now": done.started_now,
        "snapshot": done.snapshot,
        "ref": f"refs/milestones/wip/{done.session.id}" if done.snapshot else None,
        "files": sum(counts.values()),
        "changes": done.event.details["changes"],
        "time_spent": done.event.details["time_spent"],
        "next_steps": list(next_steps),
        "notes": notes,
    }
    if as_json:
        emit_json(info)
    else:
        emit_lines(pause_lines(info))


@click.command("stop")
@click.option("-m", "--message", "notes", default="", help="A closing note.")
@click.option("--json", "as_json", is_flag=True, help="Print the ended session as JSON.")
def stop_cmd(notes: str, as_json: bool) -> None:
    """End the work session of this work tree and show its time.

    The snapshot of its last pause stays under refs/milestones/wip/ until you delete it.
    """
    from gitmilestone.commands.sessions import stop
    from gitmilestone.render.resume import hours

    store = _opened()
    s, total = stop(store.paths, notes, _rules(store))
    if as_json:
        emit_json({"session_id": s.id, "task_ref": s.task_ref, "hours": total})
    else:
        what = f" ({s.task_ref})" if s.task_ref else ""
        click.echo(f"Ended {s.id}{what}: {hours(total)} in total")


@click.command("resume")
@click.option(
    "--session",
    "session_ref",
    help="A session id (default: this work tree's, else the latest paused on this branch).",
)
@click.option("--restore", is_flag=True, help="Bring the snapshot back into the work tree.")
@click.option("--peek", is_flag=True, help="Only show; leave a paused session paused.")
@click.option("--json", "as_json", is_flag=True, help="Print the resume point as JSON.")
def resume_cmd(session_ref: str | None, restore: bool, peek: bool, as_json: bool) -> None:
    """Where you stopped: the milestone and task, your context and next steps, what happened
    since (new commits, whether the work tree still matches the snapshot), the tasks that are
    ready now, blockers and the latest events.

    A paused session is resumed: its clock runs again (--peek only looks). Without any pause
    the answer is derived from the branch, the uncommitted changes and the latest events.
    --restore brings the uncommitted work saved by the pause back, on this clone or on another
    after a sync; it refuses, changing nothing, where it would overwrite your changes.

    \b
    Examples:
      git milestone resume
      git milestone resume --restore
      git milestone resume --session session-20261102-001 --json
    """
    from dataclasses import asdict

    from gitmilestone.commands import resume
    from gitmilestone.commands.status import work_sessions

    store = _opened()
    point = resume.build(workspace(), session_ref)
    data = dict(point.data)
    restored = None
    if restore:
        done, owner = resume.restore(store.paths, point, work_sessions(workspace()))
        restored = {**asdict(done), "session": owner.id, "paused_at": _pause_stamp(owner)}
    data["restored"] = restored
    data["resumed"] = False if peek else _reopen(store, point)
    if restored and data.get("snapshot"):
        data["snapshot"]["worktree"] = "matches" if not restored["conflicts"] else "differs"
    _show(data, as_json)


def _pause_stamp(s: Any) -> str | None:
    return s.last_pause.timestamp if s.last_pause else None


def _reopen(store: Store, point: Any) -> bool:
    from gitmilestone.commands.sessions import reopen
    from gitmilestone.errors import ConflictError

    s = point.session
    if s is None or s.status != "paused":
        return False
    try:
        reopen(store.paths, s)
    except ConflictError as err:
        click.echo(f"note: {err.message}; {err.hint}", err=True)
        return False
    return True


def _show(data: dict[str, Any], as_json: bool) -> None:
    from gitmilestone.render.resume import restored_lines, resume_lines

    shown = set(workspace().log.problems)  # the workspace has reported those already
    for warning in data["warnings"]:
        if warning not in shown:
            click.echo(f"warning: {warning} (skipped)", err=True)
    if as_json:
        emit_json(data)
        return
    lines = resume_lines(data)
    if data["restored"]:
        lines += ["", *restored_lines(data["restored"])]
    if data["resumed"]:
        lines += [
            "",
            f"Resumed {data['session_id']}: its clock runs again "
            "(`git milestone pause` or `git milestone stop` when you leave).",
        ]
    emit_lines(lines)


@click.command("sessions")
@click.option("--milestone", "milestone_id", help="Only sessions on this milestone.")
@click.option("--json", "as_json", is_flag=True, help="Print sessions and time per task as JSON.")
def sessions_cmd(milestone_id: str | None, as_json: bool) -> None:
    """Work sessions with their time, and the time spent per task.

    A task's time comes from its sessions; where none were used, from Time-Spent trailers;
    else it is estimated from its commits' times (the gap rule under `time:` in
    milestone-config.yaml).

    \b
    Examples:
      git milestone sessions
      git milestone sessions --milestone M-001 --json
    """
    from gitmilestone.commands.status import timesheet
    from gitmilestone.render.resume import sessions_lines

    store = _opened()
    mid = store.resolve(milestone_id).id if milestone_id else None
    sheet = timesheet(workspace())
    by_key, found, now, rules = sheet.by_key, sheet.sessions, sheet.now, sheet.rules
    rows = [
        {
            "id": s.id,
            "status": s.status,
            "task_ref": s.task_ref,
            "started": s.started,
            "hours": s.hours(now, rules),
            "author": s.author,
            "notes": (s.last_pause.details.get("notes") if s.last_pause else None) or "",
        }
        for s in found
        if mid is None or s.milestone_id == mid
    ]
    tasks = [
        {"ref": f"{m}/{t}" if t else m, "hours": v.hours, "source": v.source}
        for (m, t), v in sorted(by_key.items(), key=str)
        if mid is None or m == mid
    ]
    if as_json:
        emit_json({"sessions": rows, "tasks": tasks})
    else:
        emit_lines(sessions_lines(rows, tasks))
