"""What changed in the plan between two sides (a revision, or the work tree): milestones,
tasks, dates, dependencies, risks and phases, compared item by item. Pure: each side is the
plan with its own facts already laid over it (see commands/diff.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitmilestone.analysis.risk import Risk, risks_of
from gitmilestone.core.events import Event
from gitmilestone.core.model import PHASES, Milestone, Settings, Task, milestone_progress

TIMELINE = (
    "estimated_start",
    "estimated_end",
    "actual_start",
    "actual_end",
    "estimated_hours",
    "buffer_percentage",
    "optimistic_hours",
    "most_likely_hours",
    "pessimistic_hours",
)
Facts = Mapping[tuple[str, str], list[Event]]
ESTIMATES = ("estimated_hours", "optimistic_hours", "most_likely_hours", "pessimistic_hours")
FIELDS = ("title", "priority", "category", "declared_status", "location")


@dataclass(frozen=True)
class Side:
    """One side of the comparison: the plan with its facts laid over it, and those facts."""

    label: str  # what the user named: a revision, or "work tree"
    commit: str | None  # None for the work tree
    milestones: Sequence[Milestone]
    events: Sequence[Event]
    settings: Settings


def milestone_changes(before: Side, after: Side) -> list[dict[str, Any]]:
    """One entry per milestone added, removed or changed, in ID order."""
    old = {m.id: m for m in before.milestones}
    new = {m.id: m for m in after.milestones}
    fresh = {e.id for e in before.events}
    # Completions on the range say which commit completed a task; an approval may have been
    # recorded before the file said so, hence every approval the after side holds.
    added_facts = _completions(
        [e for e in after.events if e.id not in fresh or e.event_type == "phase_approved"]
    )
    out = []
    for mid in sorted(old.keys() | new.keys()):
        a, b = old.get(mid), new.get(mid)
        if a is b:
            continue  # the same blob with the same facts: parsed once, unchanged
        entry = _entry(a, b, before.settings, after.settings, added_facts)
        if entry is not None:
            out.append(entry)
    return out


def _entry(
    a: Milestone | None,
    b: Milestone | None,
    sa: Settings,
    sb: Settings,
    facts: Facts,
) -> dict[str, Any] | None:
    shown = b or a
    assert shown is not None
    entry: dict[str, Any] = {
        "id": shown.id,
        "title": shown.title,
        "change": "added" if a is None else "removed" if b is None else "changed",
        "progress_before": milestone_progress(a, sa) if a else None,
        "progress_after": milestone_progress(b, sb) if b else None,
        "fields": _fields(a, b) if a and b else [],
        "tasks": _tasks(a, b, facts),
        "dependencies": _list_change(a.requires if a else (), b.requires if b else ()),
        "risks": _risks(a, b),
        "phases": _phases(a, b, facts) if b else [],
    }
    same = entry["change"] == "changed" and entry["progress_before"] == entry["progress_after"]
    nothing = not any(entry[k] for k in ("fields", "tasks", "risks", "phases"))
    if same and nothing and not any(entry["dependencies"].values()):
        return None
    return entry


def _fields(a: Milestone, b: Milestone) -> list[dict[str, Any]]:
    out = [
        {"field": f, "before": getattr(a, f), "after": getattr(b, f)}
        for f in FIELDS
        if getattr(a, f) != getattr(b, f)
    ]
    ta, tb = a.raw.get("timeline") or {}, b.raw.get("timeline") or {}
    out += [
        {"field": f"timeline.{k}", "before": ta.get(k), "after": tb.get(k)}
        for k in TIMELINE
        if ta.get(k) != tb.get(k)
    ]
    return out


def _list_change(a: Sequence[str], b: Sequence[str]) -> dict[str, list[str]]:
    return {"added": sorted(set(b) - set(a)), "removed": sorted(set(a) - set(b))}


# -- tasks ---------------------------------------------------------------------------------


def _tasks(a: Milestone | None, b: Milestone | None, facts: Facts) -> list[dict[str, Any]]:
    old = {t.id: t for t in (a.tasks if a else ())}
    new = {t.id: t for t in (b.tasks if b else ())}
    shown = b or a
    mid = shown.id if shown else ""
    out: list[dict[str, Any]] = []
    for tid in [t.id for t in (a.tasks if a else ())] + [t for t in new if t not in old]:
        x, y = old.get(tid), new.get(tid)
        if x is None and y is not None:
            out.append(_task_row(y, "added"))
        elif y is None and x is not None:
            out.append(_task_row(x, "removed"))
        elif x is not None and y is not None:
            out += _task_changes(mid, x, y, facts)
    return out


def _task_row(t: Task, change: str, **extra: Any) -> dict[str, Any]:
    return {"id": t.id, "title": t.title, "change": change, **extra}


def _task_changes(mid: str, x: Task, y: Task, facts: Facts) -> list[dict[str, Any]]:
    out = []
    if y.status == "completed" and x.status != "completed":
        out.append(_task_row(y, "completed", **_completed_by(mid, y.id, facts)))
    elif x.status == "completed" and y.status != "completed":
        out.append(_task_row(y, "reopened"))
    elif x.status != y.status:
        out.append(_task_row(y, "status", before=x.status, after=y.status))
    moved = [(k, getattr(x, k), getattr(y, k)) for k in ESTIMATES if getattr(x, k) != getattr(y, k)]
    for key, old, new in moved:
        out.append(_task_row(y, "re-estimated", field=key, before=old, after=new))
    deps = _list_change(x.dependencies, y.dependencies)
    if any(deps.values()):
        out.append(_task_row(y, "dependencies", **deps))
    return out


def _completions(facts: Sequence[Event]) -> Facts:
    """The facts of the compared range by task: the first completion (which commit did it)
    and the phase approvals."""
    out: dict[tuple[str, str], list[Event]] = {}
    for e in facts:
        if e.event_type in ("task_completed", "phase_approved") and e.milestone_id and e.task_id:
            out.setdefault((e.milestone_id, e.task_id), []).append(e)
    return out


def _completed_by(mid: str, tid: str, facts: Facts) -> dict[str, Any]:
    """Which fact on the compared range completed the task: a trailer's or a note's commit;
    none when the plan file itself says so."""
    for e in facts.get((mid, tid), ()):
        if e.event_type == "task_completed":
            return {"by": e.source, "commit": e.commit, "author": e.author}
    return {"by": "plan", "commit": None, "author": None}


# -- risks and phases -----------------------------------------------------------------------


def _risk_key(r: Risk) -> str:
    return r.id or r.description


def _risks(a: Milestone | None, b: Milestone | None) -> list[dict[str, Any]]:
    old = {_risk_key(r): r for r in (risks_of(a) if a else [])}
    new = {_risk_key(r): r for r in (risks_of(b) if b else [])}
    out = []
    for key in list(old) + [k for k in new if k not in old]:
        change = _risk_change(old.get(key), new.get(key))
        if change:
            r = new.get(key) or old[key]
            x, y = old.get(key), new.get(key)
            out.append(
                {
                    "ref": r.ref,
                    "description": r.description,
                    "change": change,
                    "score_before": x.score if x else None,
                    "score_after": y.score if y else None,
                }
            )
    return out


def _risk_change(x: Risk | None, y: Risk | None) -> str | None:
    if x is None:
        return "added"
    if y is None:
        return "removed"
    if x.active and not y.active:
        return "closed"
    if y.mitigation and y.mitigation != x.mitigation:
        return "mitigated"
    return "re-scored" if x.score != y.score else None


def _phases(a: Milestone | None, b: Milestone, facts: Facts) -> list[dict[str, Any]]:
    out = []
    for y in b.tasks:
        x = a.task(y.id) if a else None
        old = (x.phases if x else None) or {}
        for phase in PHASES:
            before, now = old.get(phase, "pending"), (y.phases or {}).get(phase, "pending")
            if y.phases is None or before == now or now == "pending":
                continue
            by = _approvers(b.id, y.id, phase, facts) if now == "approved" else []
            change = {"in_progress": "started"}.get(now, now)
            out.append({"task": y.id, "phase": phase, "change": change, "by": by})
    return out


def _approvers(mid: str, tid: str, phase: str, facts: Facts) -> list[str]:
    return sorted(
        {
            str(e.details.get("approver") or e.author or "unknown")
            for e in facts.get((mid, tid), ())
            if e.event_type == "phase_approved" and e.details.get("phase") == phase
        }
    )


def gates_waiting(m: Milestone, config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Gates of `m` now waiting: the phase before is completed, its approval required and
    not given."""
    from gitmilestone.core.phases import gate_for, passed, status_of

    out = []
    for t in m.tasks:
        raw = m.raw_task(t.id) if t.phases is not None else None
        if raw is None:
            continue
        for phase in PHASES:
            gate = gate_for(m, raw, phase, config)
            if status_of(raw, phase) == "completed" and gate.required and not passed(raw, gate):
                out.append({"milestone": m.id, "task": t.id, "gate": gate.name, "phase": phase})
    return out
