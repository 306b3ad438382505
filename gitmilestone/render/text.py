"""Plain-text views: status, list, show, task list. Each returns lines."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.core.model import (
    Milestone,
    Settings,
    milestone_progress,
    milestone_status,
    milestone_summary,
    phase_weights,
    project_progress,
    task_counts,
    task_progress,
)
from gitmilestone.render.dashboard import bar
from gitmilestone.render.resume import time_line, time_suffix

TASK_MARK = {"completed": "[x]", "in_progress": "[~]", "blocked": "[!]", "pending": "[ ]"}


def due_text(end: str | None, today: dt.date, status: str, soon_days: int) -> str:
    if not end:
        return "no due date"
    if status == "completed":
        return f"due {end}"
    try:
        days = (dt.date.fromisoformat(end) - today).days
    except ValueError:
        return f"due {end}"
    if days < 0:
        return f"due {end} (overdue by {-days}d)"
    if days <= soon_days:
        return f"due {end} (in {days}d)"
    return f"due {end}"


def status_lines(
    milestones: list[Milestone],
    settings: Settings,
    today: dt.date,
    width: int,
    soon_days: int,
    times: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[str]:
    if not milestones:
        return ['No milestones yet. Create one with: git milestone new "Title"']
    done = [m for m in milestones if milestone_status(m, settings) == "completed"]
    active = [m for m in milestones if m not in done]
    tasks = [t for m in milestones for t in m.tasks]
    lines = [
        f"Project: {project_progress(milestones, settings):.0f}% complete · "
        f"{len(done)} of {len(milestones)} milestones completed · "
        f"{sum(t.status == 'completed' for t in tasks)}/{len(tasks)} tasks done",
        "",
    ]
    if active:
        lines.append("ACTIVE MILESTONES")
        id_w = max(len(m.id) for m in active)
        title_w = min(max(len(m.title) for m in active), 32)
        for m in sorted(active, key=_due_key):
            row = _status_row(m, settings, today, width, soon_days, id_w, title_w)
            lines.append("  " + row + time_suffix((times or {}).get(m.id)))
    if done:
        lines += ["", f"COMPLETED: {', '.join(m.id for m in done)}"]
    return lines


def _due_key(m: Milestone) -> tuple[str, str]:
    return (m.estimated_end or "9999-99-99", m.id)


def _status_row(
    m: Milestone, settings: Settings, today: dt.date, width: int, soon: int, id_w: int, title_w: int
) -> str:
    pct = milestone_progress(m, settings)
    counts = task_counts(m)
    title = m.title if len(m.title) <= title_w else m.title[: title_w - 1] + "…"
    extra = f", {counts['blocked']} blocked" if counts["blocked"] else ""
    status = milestone_status(m, settings)
    due = due_text(m.estimated_end, today, status, soon)
    return (
        f"{m.id:<{id_w}}  {title:<{title_w}}  {bar(pct, width)} {pct:3.0f}%  "
        f"{counts['completed']}/{len(m.tasks)} tasks{extra}  {due}"
    )


def show_lines(
    m: Milestone,
    settings: Settings,
    today: dt.date,
    width: int,
    time: Mapping[str, Any] | None = None,
    phases: Mapping[str, Any] | None = None,
) -> list[str]:

    s = milestone_summary(m, settings)
    raw = m.raw
    lines = [
        f"{m.id}: {m.title}",
        f"  status {s['status']} · priority {m.priority} · category {m.category} · {m.path}",
        f"  progress {bar(s['progress'], width)} {s['progress']:.0f}%",
    ]
    if m.description:
        lines += ["", *("  " + x for x in str(m.description).splitlines())]
    timeline = raw.get("timeline") or {}
    lines += [
        "",
        "Timeline",
        f"  {m.estimated_start or '?'} → {m.estimated_end or '?'} · "
        f"{timeline.get('estimated_hours') or 0:g} h estimated"
        f" + {timeline.get('buffer_percentage') or 0:g}% buffer",
    ]
    spent = time_line(time)
    lines += [f"  {spent}"] if spent else []
    lines += _section("Success criteria", [f"- {c}" for c in m.success_criteria])
    lines += _section(
        "Deliverables",
        [f"- {d.get('name')} ({d.get('type', '?')})" for d in raw.get("deliverables") or ()],
    )
    deps = raw.get("dependencies") or {}
    lines += _section(
        "Dependencies",
        [
            f"requires: {', '.join(deps.get('requires') or ()) or '-'}",
            f"external: {', '.join(deps.get('external') or ()) or '-'}",
        ],
    )
    lines += _section(
        "Risks",
        [
            f"- {r.get('description')} "
            f"(p={r.get('probability', '?')}, impact {r.get('impact', '?')})"
            for r in raw.get("risks") or ()
        ],
    )
    if raw.get("stakeholders"):
        lines += _section("Stakeholders", [person_line(p) for p in raw["stakeholders"]])
    found = phase_progress_lines(phases)
    lines += _section("Phases", found) if found else []
    lines += _section("Tasks", task_lines(m, settings))
    return lines


def phase_progress_lines(found: Mapping[str, Any] | None) -> list[str]:
    """`design 100% · spec 50% (current: spec)` and when each phase started and finished."""
    share = (found or {}).get("phase_progress") or {}
    if not share:
        return []
    current = found.get("current_phase") if found else None
    head = " · ".join(f"{p} {v:.0f}%" for p, v in share.items())
    lines = [head + (f" (current: {current})" if current else " (all phases done)")]
    for h in (found or {}).get("phase_history") or ():
        end = f" → {str(h['completed_at'])[:10]}" if h.get("completed_at") else " → ..."
        lines.append(f"{h['phase']}: {str(h['started_at'] or '?')[:10]}{end}")
    return lines


def person_line(p: Mapping[str, Any]) -> str:
    """`- Dana (product owner) <dana@example.com>: expects ...`"""
    role = f" ({p['role']})" if p.get("role") else ""
    contact = f" <{p['contact']}>" if p.get("contact") else ""
    expects = f": expects {p['expectations']}" if p.get("expectations") else ""
    return f"- {p.get('name')}{role}{contact}{expects}"


def stakeholder_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    if not rows:
        return ["No stakeholders listed. Add one with: git milestone stakeholder add ID NAME"]
    width = max(len(r["where"]) for r in rows)
    return [f"{r['where']:<{width}}  {person_line(r)[2:]}" for r in rows]


def task_lines(m: Milestone, settings: Settings) -> list[str]:
    weights = phase_weights(m, settings)
    out = []
    for t in m.tasks:
        pct = task_progress(t, weights, settings.phases_enabled)
        hours = f"{t.estimated_hours:g}h" if t.estimated_hours else "-"
        who = f" @{t.assigned_to}" if t.assigned_to else ""
        why = (
            f" — blocked: {t.blocked_reason}" if t.status == "blocked" and t.blocked_reason else ""
        )
        out.append(
            f"{TASK_MARK.get(t.status, '[?]')} {t.id}  {t.title} ({hours}, {pct:.0f}%){who}{why}"
        )
    return out


def _section(title: str, body: list[str]) -> list[str]:
    return ["", title, *("  " + b for b in body)] if body else ["", title, "  (none)"]
