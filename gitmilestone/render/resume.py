"""Text of the session commands: the resume point, a pause, the session list, time figures."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

WORKTREE = {
    "matches": "the work tree still matches the snapshot",
    "committed": "HEAD holds exactly the snapshot's work: it was committed",
    "clean": "no uncommitted work here: `git milestone resume --restore` brings the snapshot back",
    "differs": "the work tree has other uncommitted changes than at the pause",
    "unknown": "the snapshot is not in this clone (fetch it with `git milestone sync`)",
}


def hours(value: float | None) -> str:
    """1.5 -> 1h30m, 0.25 -> 15m, 2 -> 2h."""
    if value is None:
        return "-"
    minutes = round(value * 60)
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m}m"
    return f"{h}h{m:02d}m" if m else f"{h}h"


def _when(stamp: str | None) -> str:
    return (stamp or "?")[:16].replace("T", " ")


def _who(author: str | None) -> str:
    return (author or "?").split(" <")[0]


def resume_lines(p: Mapping[str, Any]) -> list[str]:
    """The resume point as a person reads it."""
    ctx = p["context"]
    if _nothing(p):
        branch = ctx["current_branch"] or "this detached HEAD"
        return [
            f"Nothing to resume on {branch} yet: no paused session, no milestone events and "
            "no uncommitted changes.",
            "Start a work session with `git milestone start M-ID`; "
            '`git milestone pause -m "..."` records where you stopped.',
        ]
    lines = _heading(p)
    lines += _where(p)
    if ctx["notes"]:
        lines += ["", "Context", *(f"  {x}" for x in str(ctx["notes"]).splitlines())]
    if ctx["next_steps"]:
        title = "Next steps" if p["source"] == "pause" else "Suggested next steps"
        lines += ["", title, *(f"  {n}. {s}" for n, s in enumerate(ctx["next_steps"], 1))]
    lines += _changes(p)
    lines += _since(p)
    lines += _plan(p)
    return lines


def _nothing(p: Mapping[str, Any]) -> bool:
    ctx = p["context"]
    busy = ctx["uncommitted_changes"] or p["active_milestone"] or p["recent_events"]
    return p["source"] == "derived" and not busy


def _heading(p: Mapping[str, Any]) -> list[str]:
    s = p.get("session")
    if p["source"] == "pause" and s:
        return [
            f"Resume {s['id']}: paused {_when(p['timestamp'])} by {_who(s['author'])} "
            f"({hours(s['hours'])} in the session, status {s['status']})"
        ]
    if s:
        return [f"Session {s['id']} is {s['status']} ({hours(s['hours'])} so far)"]
    return [
        "No pause recorded here: derived from the branch, the uncommitted changes and the "
        "latest events."
    ]


def _where(p: Mapping[str, Any]) -> list[str]:
    ctx = p["context"]
    out = []
    if p["active_milestone"]:
        out.append(
            f"  Milestone  {p['active_milestone']}  {p.get('milestone_title') or ''}".rstrip()
        )
    if p["current_task"]:
        status = f"  ({p['task_status']})" if p.get("task_status") else ""
        ref = f"{p['active_milestone']}/{p['current_task']}"
        out.append(f"  Task       {ref}  {p.get('task_title') or ''}{status}")
    place = ctx["current_branch"] or "detached HEAD"
    if ctx["working_directory"] not in (".", ""):
        place += f" · in {ctx['working_directory']}/"
    out.append(f"  Branch     {place}")
    return out


def _changes(p: Mapping[str, Any]) -> list[str]:
    changes = p.get("changes") or {}
    counts = changes.get("counts") or {}
    if not any(counts.values()):
        return []
    when = "at the pause" if p["source"] == "pause" else "now"
    parts = [f"{counts[k]} {k}" for k in ("staged", "unstaged", "untracked") if counts.get(k)]
    head = f"Uncommitted work {when}: {', '.join(parts)}"
    snap = p.get("snapshot") or {}
    if snap.get("commit"):
        head += f" (saved as {snap['commit'][:10]} in {snap['ref']})"
    lines = ["", head]
    for kind in ("staged", "unstaged", "untracked"):
        names = changes.get(kind) or []
        more = counts.get(kind, len(names)) - len(names[:8])
        if names:
            shown = ", ".join(names[:8]) + (f" and {more} more" if more > 0 else "")
            lines.append(f"  {kind:<10} {shown}")
    return lines


def _since(p: Mapping[str, Any]) -> list[str]:
    since, snap = p.get("since"), p.get("snapshot")
    if since is None:
        return []
    lines = ["", "Since the pause"]
    if not since["known"]:
        lines.append("  the paused commit is not in this clone; fetch the branch to compare")
    elif since["count"]:
        lines.append(f"  {since['count']} new commit{'s' if since['count'] != 1 else ''}:")
        for c in since["commits"][:5]:
            lines.append(f"    {c['commit'][:8]} {c['subject']} ({_who(c['author'])})")
    else:
        lines.append("  no new commits")
    if snap:
        lines.append(f"  {WORKTREE.get(snap['worktree'], snap['worktree'])}")
    return lines


def _plan(p: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    ready = p["ready_tasks"]
    if ready:
        lines += ["", "Ready now (dependencies done)"]
        for t in ready[:8]:
            est = f" ({hours(t['estimated_hours'])})" if t.get("estimated_hours") else ""
            lines.append(f"  {t['ref']}  {t['title']}{est}")
    snap = p["progress_snapshot"]
    if snap["blockers"]:
        lines += ["", "Blockers", *(f"  {b}" for b in snap["blockers"])]
    if snap["time_spent_today"]:
        lines += ["", f"Today: {hours(snap['time_spent_today'])} in sessions"]
    if p["recent_events"]:
        lines += ["", "Latest events"]
        for e in p["recent_events"]:
            ref = (e["milestone_id"] or "-") + (f"/{e['task_id']}" if e["task_id"] else "")
            line = f"  {_when(e['timestamp'])}  {e['event_type']:<17} {ref}  {e['what']}"
            lines.append(line.rstrip())
    return lines


def pause_lines(info: Mapping[str, Any]) -> list[str]:
    what = f" ({info['task_ref']})" if info.get("task_ref") else ""
    lines = []
    if info["started_now"]:
        lines.append(f"Opened {info['session_id']}{what}: no session was open in this work tree")
    spent = f" after {hours(info['time_spent'])}" if info["time_spent"] else ""
    lines.append(f"Paused {info['session_id']}{what}{spent}")
    files = info["files"]
    if info["snapshot"]:
        lines.append(
            f"  saved {files} uncommitted file{'s' if files != 1 else ''} as "
            f"{info['snapshot'][:10]} in {info['ref']} (your files are untouched)"
        )
    else:
        lines.append("  no uncommitted changes to save")
    if info["next_steps"]:
        lines.append(f"  next: {'; '.join(info['next_steps'])}")
    lines.append("Continue with `git milestone resume` (on another clone: after a sync).")
    return lines


def restored_lines(r: Mapping[str, Any]) -> list[str]:
    if r["already"]:
        return ["The work tree already holds the snapshot: nothing to restore."]
    files = r["files"]
    lines = [f"Restored {len(files)} file{'s' if len(files) != 1 else ''} from {r['commit'][:10]}"]
    if r.get("session"):
        when = str(r.get("paused_at") or "")[:16].replace("T", " ")
        lines[0] += f" (the snapshot of {r['session']}, paused {when})"
    if not r["index_kept"]:
        lines.append("  the staged part no longer applies on top of HEAD: all of it is unstaged")
    if r["conflicts"]:
        lines.append(
            f"  conflicts with commits since the pause in: {', '.join(r['conflicts'])}; "
            "resolve them as after a merge (the snapshot stays saved)"
        )
    return lines


def sessions_lines(
    rows: Iterable[Mapping[str, Any]], tasks: Iterable[Mapping[str, Any]]
) -> list[str]:
    rows = list(rows)
    if not rows:
        return ["No work sessions yet. Open one with `git milestone start M-ID`."]
    table = [("SESSION", "STATUS", "TASK", "STARTED", "TIME", "BY")]
    table += [
        (
            r["id"],
            r["status"],
            r["task_ref"] or "-",
            _when(r["started"]),
            hours(r["hours"]),
            _who(r["author"]),
        )
        for r in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]) - 1)]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=False)) + "  " + row[-1]
        for row in table
    ]
    tasks = list(tasks)
    if tasks:
        lines += ["", "Time per task"]
        width = max(len(t["ref"]) for t in tasks)
        lines += [f"  {t['ref']:<{width}}  {hours(t['hours']):>7}  ({t['source']})" for t in tasks]
    return lines


def time_line(t: Mapping[str, Any] | None) -> str | None:
    """Estimated vs actual hours and the efficiency ratio, or None when no time is known."""
    if not t or not t.get("actual_hours"):
        return None
    est = f" of {t['estimated_hours']:g} h estimated" if t.get("estimated_hours") else ""
    earned = f" · {t['earned_hours']:g} h earned" if t.get("earned_hours") is not None else ""
    ratio = f" · efficiency {t['efficiency']:.2f}" if t.get("efficiency") is not None else ""
    return f"{t['actual_hours']:g} h spent ({t['source']}){est}{earned}{ratio}"


def time_suffix(t: Mapping[str, Any] | None) -> str:
    """The end of a status row: hours spent against the estimate, and the efficiency."""
    if not t or not t.get("actual_hours"):
        return ""
    est = f" ({t['estimated_hours']:g}h est.)" if t.get("estimated_hours") else ""
    ratio = f" · efficiency {t['efficiency']:.2f}" if t.get("efficiency") is not None else ""
    return f"  · {hours(t['actual_hours'])} spent{est}{ratio}"
