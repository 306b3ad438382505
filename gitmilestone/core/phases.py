"""Phases design -> spec -> task -> execute of a task: the state machine, the approval gates
between phases, deliverable checks, and the phase history derived from events.

A phase goes pending -> in_progress (start) -> completed (complete) -> approved (approve).
The next phase may start once the one before has passed its gate: approved, or completed where
the gate needs no approval. The status is written to the task's kiro_workflow so progress uses
the phase weights; every change is also an event, and the history is read from those."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmilestone.core import clock
from gitmilestone.core.events import Event, merge
from gitmilestone.core.model import PHASES, Milestone, Task
from gitmilestone.errors import ConflictError, MilestoneError

GATES: Mapping[str, str] = {
    "design": "design_to_spec",
    "spec": "spec_to_task",
    "task": "task_to_execute",
    "execute": "execute_to_done",
}
PASSED = ("approved", "skipped")
ANYONE = "anyone"


@dataclass(frozen=True)
class Gate:
    name: str
    phase: str
    required: bool
    approvers: tuple[str, ...]  # e-mails or role names; empty: anyone may approve
    criteria: tuple[str, ...]
    signed: bool = False  # only an approval whose signature verifies passes it


@dataclass(frozen=True)
class Deliverable:
    field: str  # where it is written in the milestone file
    path: str  # relative to the repository root, as written


def phase_raw(raw_task: Mapping[str, Any], phase: str) -> Mapping[str, Any]:
    phases = (raw_task.get("kiro_workflow") or {}).get("phases") or {}
    found = phases.get(phase)
    return found if isinstance(found, Mapping) else {}


def status_of(raw_task: Mapping[str, Any], phase: str) -> str:
    return str(phase_raw(raw_task, phase).get("status") or "pending")


def gate_for(
    m: Milestone, raw_task: Mapping[str, Any], phase: str, config: Mapping[str, Any]
) -> Gate:
    """The gate after `phase`: the milestone's kiro_configuration gate, else the project's; the
    task's own phase settings (approval_required, approval.approvers) come first."""
    name = GATES[phase]
    own = (m.raw.get("kiro_configuration") or {}).get("approval_gates") or {}
    project = (config.get("approvals") or {}).get("gates") or {}
    gate = own.get(name) if own.get(name) is not None else project.get(name)
    gate = gate if isinstance(gate, Mapping) else None
    settings = phase_raw(raw_task, phase)
    approval = settings.get("approval") or {}
    required = next(
        (
            bool(v)
            for v in (
                approval.get("required"),
                settings.get("approval_required"),
                (gate or {}).get("required"),
            )
            if v is not None
        ),
        gate is not None,
    )
    approvers = approval.get("approvers") or (gate or {}).get("approvers") or ()
    criteria = tuple((gate or {}).get("criteria") or ())
    return Gate(name, phase, required, tuple(approvers), criteria, signed_gate(gate, config))


def signed_gate(gate: Mapping[str, Any] | None, config: Mapping[str, Any]) -> bool:
    """A gate's `signed`, else the project's approvals.require_signatures (default false)."""
    own = (gate or {}).get("signed")
    if own is not None:
        return bool(own)
    return bool((config.get("approvals") or {}).get("require_signatures"))


def passed(raw_task: Mapping[str, Any], gate: Gate) -> bool:
    status = status_of(raw_task, gate.phase)
    return status in PASSED or (status == "completed" and not gate.required)


def approver_roles(gate: Gate, email: str, roles: Mapping[str, Iterable[str]] | None) -> list[str]:
    """The entries of the gate through which `email` may approve (an e-mail or role names);
    [] when it may not. A gate that lists nobody lets anyone approve."""
    if not gate.approvers:
        return [ANYONE]
    roles = roles or {}
    me = email.strip().lower()
    return [
        entry
        for entry in gate.approvers
        if entry.strip().lower() == me
        or any(me == str(x).strip().lower() for x in roles.get(entry) or ())
    ]


def refuse_approver(ref: str, gate: Gate, email: str, roles: Mapping[str, Any] | None) -> None:
    roles = roles or {}
    shown = []
    for entry in gate.approvers:
        if "@" in entry:
            shown.append(entry)
        elif roles.get(entry):
            shown.append(f"{entry} ({', '.join(roles[entry])})")
        else:
            shown.append(f"{entry} (a role with no identities in approvals.roles)")
    raise MilestoneError(
        f"{email} is not an approver of gate {gate.name} for {ref}: approvers are "
        + "; ".join(shown),
        "ask one of them to approve, or list your user.email under approvals.roles in "
        ".milestones/config/milestone-config.yaml",
    )


def email_of(identity: str) -> str:
    """`Ann <ann@example.com>` -> ann@example.com."""
    if "<" in identity and identity.endswith(">"):
        return identity[identity.rfind("<") + 1 : -1].strip()
    return identity.strip()


def approval_text(a: Mapping[str, Any]) -> str:
    """`approved by alice@example.com — signature verified`, from an approval's JSON form."""
    verb = "approved" if a["kind"] == "phase" else "signed off"
    note = str(a["verification"]["message"])
    if not a["approver_allowed"]:
        note += "; not an approver this gate lists"
    elif not a["verification"]["ok"] and not a["signature_required"]:
        note += " (not required)"
    return f"{verb} by {a['approver']} — {note}"


# -- the state machine (pure checks) ------------------------------------------------------------


def check_enabled(ref: str, task: Task, phases_on: bool) -> None:
    if not phases_on:
        raise MilestoneError(
            "phases are turned off for this project",
            "set phases.enabled: true in .milestones/config/milestone-config.yaml",
        )
    if task.phases is None:
        raise MilestoneError(
            f"task {ref} does not use phases",
            f"turn them on with `git milestone set {ref.split('/')[0]} "
            f"tasks.{task.id}.kiro_workflow.enabled=true`",
        )
    if task.status == "completed":
        raise ConflictError(f"task {ref} is completed", "its phases can no longer change")


def check_start(ref: str, raw_task: Mapping[str, Any], phase: str, gates: list[Gate]) -> None:
    status = status_of(raw_task, phase)
    if status != "pending":
        raise ConflictError(
            f"phase {phase} of {ref} is already {status.replace('_', ' ')}",
            f"`git milestone phase status {ref}` shows where it is",
        )
    for gate in gates[: PHASES.index(phase)]:
        if not passed(raw_task, gate):
            before = status_of(raw_task, gate.phase)
            todo = {"pending": "start", "in_progress": "complete"}.get(before, "approve")
            needs = f"; gate {gate.name} needs an approval" if before == "completed" else ""
            raise MilestoneError(
                f"phase {phase} of {ref} cannot start: {gate.phase} is "
                f"{before.replace('_', ' ')}{needs}",
                f"{todo} {gate.phase} first: `git milestone phase {todo} {ref} {gate.phase}`",
            )


# Where a phase must be for an action, and what the action says when it is elsewhere.
_WANTED = {
    "complete": ("in_progress", "shows where it is"),
    "approve": ("completed", "shows who approved it"),
}
_NOT_YET = {
    ("complete", "pending"): ("has not started", "start it with `git milestone phase start {}`"),
    ("approve", "pending"): (
        "has not started: there is nothing to approve",
        "start it with `git milestone phase start {}`",
    ),
    ("approve", "in_progress"): (
        "is still in progress",
        "complete it first: `git milestone phase complete {}`",
    ),
}


def check_complete(ref: str, raw_task: Mapping[str, Any], phase: str) -> None:
    _check("complete", ref, raw_task, phase)


def check_approve(ref: str, raw_task: Mapping[str, Any], phase: str) -> None:
    _check("approve", ref, raw_task, phase)


def _check(action: str, ref: str, raw_task: Mapping[str, Any], phase: str) -> None:
    status = status_of(raw_task, phase)
    wanted, shows = _WANTED[action]
    if status == wanted:
        return
    early = _NOT_YET.get((action, status))
    if early is not None:
        raise MilestoneError(
            f"phase {phase} of {ref} {early[0]}", early[1].format(f"{ref} {phase}")
        )
    raise ConflictError(
        f"phase {phase} of {ref} is already {status}",
        f"`git milestone phase status {ref}` {shows}",
    )


def default_phase(action: str, raw_task: Mapping[str, Any], ref: str) -> str:
    """The phase a command means when none is named: the first pending one to start, the one
    in progress to complete, the first completed one to approve. Where there is none, the
    first phase not yet past that point, so the state check names what is missing."""
    order = ("pending", "in_progress", "completed")
    wanted = {"start": "pending", "complete": "in_progress", "approve": "completed"}[action]
    found = next((p for p in PHASES if status_of(raw_task, p) == wanted), None)
    if found is None:
        earlier = order[: order.index(wanted)]
        found = next((p for p in PHASES if status_of(raw_task, p) in earlier), None)
    if found is None:
        raise MilestoneError(
            f"no phase of {ref} is left to {action}",
            f"`git milestone phase status {ref}` shows where it is",
        )
    return found


# -- deliverables --------------------------------------------------------------------------------


def deliverables(raw_task: Mapping[str, Any], task_id: str, phase: str) -> list[Deliverable]:
    """The paths a phase names (items with a `path`; plain names are labels, not paths)."""
    items = phase_raw(raw_task, phase).get("deliverables") or ()
    base = f"tasks.{task_id}.kiro_workflow.phases.{phase}.deliverables"
    return [
        Deliverable(f"{base}[{i}].path", str(item["path"]))
        for i, item in enumerate(items)
        if isinstance(item, Mapping) and item.get("path")
    ]


def inside(root: Path, rel: str, where: str | None = None, field: str | None = None) -> Path:
    """`rel` resolved against the repository root; refused when it is absolute, uses `..`
    or leads outside the repository through a symlink."""
    parts = Path(rel).parts
    if Path(rel).is_absolute() or ".." in parts or not rel.strip():
        raise MilestoneError(
            f"path '{rel}' must be relative to the repository root, without '..'",
            "write it as seen from the repository root, e.g. src/auth/",
            path=where,
            field=field,
        )
    real = (root / rel).resolve()
    if not real.is_relative_to(root.resolve()):
        raise MilestoneError(
            f"path '{rel}' leads outside the repository (to {real})",
            "keep deliverables inside the repository; replace the symlink",
            path=where,
            field=field,
        )
    return root / rel


def exists(root: Path, rel: str) -> bool:
    target = root / rel
    return target.is_dir() if rel.endswith("/") else target.exists()


# -- the phase history, derived from events ------------------------------------------------------


@dataclass(frozen=True)
class PhaseRecord:
    phase: str
    started_at: str | None = None
    completed_at: str | None = None
    approved_at: str | None = None
    approved_by: tuple[str, ...] = ()

    @property
    def duration_hours(self) -> float | None:
        if not (self.started_at and self.completed_at):
            return None
        span = _when(self.completed_at) - _when(self.started_at)
        return round(max(span.total_seconds(), 0) / 3600, 2)

    def as_dict(self) -> dict[str, Any]:
        return {
            "phase": self.phase,
            "started_at": self.started_at,
            "completed_at": self.completed_at,
            "approved_at": self.approved_at,
            "approved_by": list(self.approved_by),
            "duration_hours": self.duration_hours,
        }


def _when(stamp: str) -> dt.datetime:
    return clock.parse_stamp(stamp)


PHASE_EVENTS = frozenset({"phase_started", "phase_completed", "phase_approved"})


def phase_events(events: Iterable[Event]) -> list[Event]:
    """The events phase_history reads: a history holds few of them among many others."""
    return [e for e in events if e.event_type in PHASE_EVENTS]


def phase_history(events: Iterable[Event], milestone_id: str, task_id: str) -> list[PhaseRecord]:
    """One record per phase with any event: first start, last completion, last approval and
    everyone who approved. Order and duplicates of the events do not change it."""
    found: dict[str, dict[str, Any]] = {}
    for e in merge(events):
        phase = e.details.get("phase")
        if e.milestone_id != milestone_id or e.task_id != task_id or phase not in PHASES:
            continue
        rec = found.setdefault(str(phase), {"approved_by": set()})
        if e.event_type == "phase_started":
            rec.setdefault("started_at", e.timestamp)
        elif e.event_type == "phase_completed":
            rec["completed_at"] = e.timestamp
        elif e.event_type == "phase_approved":
            rec["approved_at"] = e.timestamp
            rec["approved_by"].add(str(e.details.get("approver") or e.author or "unknown"))
    return [
        PhaseRecord(
            p,
            found[p].get("started_at"),
            found[p].get("completed_at"),
            found[p].get("approved_at"),
            tuple(sorted(found[p]["approved_by"])),
        )
        for p in PHASES
        if p in found
    ]


# Which phases need an approval before the next one starts, in a new phased task.
PHASE_APPROVAL = {"design": True, "spec": True, "task": False, "execute": False}


def phase_template(active: Iterable[str] = PHASES) -> dict[str, Any]:
    """The kiro_workflow block of a task that goes through the phases: those in `active`
    pending, the others skipped (a skipped phase passes its gate and counts as done)."""
    wanted = set(active)
    phases = {
        p: {"status": "pending" if p in wanted else "skipped", "approval_required": req}
        for p, req in PHASE_APPROVAL.items()
    }
    first = next((p for p in PHASES if p in wanted), PHASES[0])
    return {"enabled": True, "current_phase": first, "phases": phases}


# -- a milestone's phase progress, from its tasks' phases and the phase events -----------------

DONE = ("completed", "approved", "skipped")


def milestone_phases(m: Milestone, events: Iterable[Event]) -> dict[str, Any]:
    """progress.current_phase, phase_progress and phase_history of a milestone: per phase,
    the share of the phased tasks going through it that have finished it (a completed task
    has finished them all); the current phase is the first not finished by all (None once
    every phase is); the history spans the tasks' first start to their last completion."""
    phased = [t for t in m.tasks if t.phases is not None]
    share: dict[str, float] = {}
    for p in PHASES:
        going = [t for t in phased if (t.phases or {}).get(p) != "skipped"]
        if going:
            done = [t for t in going if t.status == "completed" or (t.phases or {})[p] in DONE]
            share[p] = round(100.0 * len(done) / len(going), 2)
    current = next((p for p in PHASES if share.get(p, 100.0) < 100.0), None)
    records = [r for t in phased for r in phase_history(events, m.id, t.id)]
    history = []
    for p in PHASES:
        mine = [r for r in records if r.phase == p]
        if not mine:
            continue
        finished = share.get(p) == 100.0
        history.append(
            {
                "phase": p,
                "started_at": min((r.started_at for r in mine if r.started_at), default=None),
                "completed_at": _last([r.completed_at for r in mine]) if finished else None,
                "approved_by": sorted({who for r in mine for who in r.approved_by}),
                "tasks_started": sum(1 for r in mine if r.started_at),
                "tasks_completed": sum(1 for r in mine if r.completed_at),
            }
        )
    return {"current_phase": current, "phase_progress": share, "phase_history": history}


def _last(stamps: list[str | None]) -> str | None:
    known = [s for s in stamps if s]
    return max(known, key=_when) if known else None
