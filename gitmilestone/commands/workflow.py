"""Moving a task through its phases (start, complete, approve) and the phase status view.
The rules live in `phases`; this module reads the store, writes the file and records events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gitmilestone.commands import approvals, phase_deliverables, plan_facts
from gitmilestone.commands.journal import record
from gitmilestone.core import clock, phases
from gitmilestone.core.events import Event
from gitmilestone.core.model import PHASES, Milestone, Task, phase_weights, task_progress
from gitmilestone.errors import MilestoneError
from gitmilestone.git import eventlog
from gitmilestone.git.verification import Verdict
from gitmilestone.storage.store import Store
from gitmilestone.storage.yamledit import Document


@dataclass(frozen=True)
class Target:
    milestone: Milestone
    task: Task
    raw: Mapping[str, Any]
    gates: list[phases.Gate]

    @property
    def ref(self) -> str:
        return f"{self.milestone.id}/{self.task.id}"


@dataclass(frozen=True)
class Outcome:
    ref: str
    phase: str
    status: str
    gate: phases.Gate
    next_phase: str | None
    task_completed: bool = False
    approver: str | None = None
    roles: tuple[str, ...] = ()
    signature: Verdict | None = None


def target(store: Store, ref: str) -> Target:
    m, task = store.resolve_task(ref)
    raw = m.raw_task(task.id) or {}
    config = store.config()
    gates = [phases.gate_for(m, raw, p, config) for p in PHASES]
    return Target(m, task, raw, gates)


def _opened(store: Store, ref: str) -> Target:
    t = target(store, ref)
    phases.check_enabled(t.ref, t.task, store.settings().phases_enabled)
    return t


def start(store: Store, ref: str, phase: str | None = None) -> Outcome:
    t = _opened(store, ref)
    phase = phase or phases.default_phase("start", t.raw, t.ref)
    phases.check_start(t.ref, t.raw, phase, t.gates)
    approvals.check_signed_gates(store, t.ref, t.raw, t.gates, phase)
    stamp = clock.seconds()
    updates: dict[str, Any] = {"status": "in_progress", "started_at": stamp}
    milestone_updates: dict[str, Any] = {}
    task_updates: dict[str, Any] = {"kiro_workflow.current_phase": phase, "current_phase": phase}
    if t.task.status == "pending":
        task_updates |= {"status": "in_progress"}
        milestone_updates = plan_facts.start_updates(t.milestone)
        if not t.raw.get("started_at"):
            task_updates["started_at"] = stamp
    if "current_phase" not in t.raw:
        del task_updates["current_phase"]  # a task-level copy is kept only where the file has one
    extra = phase_deliverables.defaults(store.config(), t.raw, t.task.id, phase)
    if extra:
        listed = phases.phase_raw(t.raw, phase).get("deliverables") or []
        updates["deliverables"] = [*listed, *extra]
    store.edit(t.milestone, _writer(t.task.id, phase, updates, task_updates, milestone_updates))
    phase_deliverables.make_folder(store, t.task.id, phase)
    record(store, "phase_started", t.milestone.id, t.task.id, phase=phase)
    return Outcome(t.ref, phase, "in_progress", t.gates[PHASES.index(phase)], None)


def complete(store: Store, ref: str, phase: str | None = None) -> Outcome:
    t = _opened(store, ref)
    phase = phase or phases.default_phase("complete", t.raw, t.ref)
    phases.check_complete(t.ref, t.raw, phase)
    _check_deliverables(store, t, phase)
    gate = t.gates[PHASES.index(phase)]
    finished = phase == PHASES[-1] and not gate.required
    task_updates = _task_done() if finished else {}
    updates = {"status": "completed", "completed_at": clock.seconds()}
    store.edit(t.milestone, _writer(t.task.id, phase, updates, task_updates))
    record(store, "phase_completed", t.milestone.id, t.task.id, phase=phase, gate=gate.name)
    return Outcome(t.ref, phase, "completed", gate, _after(phase, gate), finished)


def approve(store: Store, ref: str, phase: str | None = None) -> Outcome:
    t = _opened(store, ref)
    phase = phase or phases.default_phase("approve", t.raw, t.ref)
    gate = t.gates[PHASES.index(phase)]
    if not _resigning(store, t, gate):
        phases.check_approve(t.ref, t.raw, phase)
    email = approver_email(store)
    roles_cfg = (store.config().get("approvals") or {}).get("roles") or {}
    roles = phases.approver_roles(gate, email, roles_cfg)
    if not roles:
        phases.refuse_approver(t.ref, gate, email, roles_cfg)
    details = {
        "phase": phase,
        "gate": gate.name,
        "criteria": list(gate.criteria),
        "approver": email,
        "roles": roles,
    }
    event, verdict = approvals.signed_event(
        store, "phase_approved", (t.milestone.id, t.task.id), details, gate
    )
    finished = phase == PHASES[-1]
    updates: dict[str, Any] = {
        "status": "approved",
        "approved_at": clock.seconds(),
        "approved_by": email,
    }
    if isinstance(phases.phase_raw(t.raw, phase).get("approval"), Mapping):
        updates["approval.status"] = "approved"
    store.edit(t.milestone, _writer(t.task.id, phase, updates, _task_done() if finished else {}))
    approvals.record_signed(store, event)
    nxt = PHASES[PHASES.index(phase) + 1] if not finished else None
    return Outcome(t.ref, phase, "approved", gate, nxt, finished, email, tuple(roles), verdict)


def _resigning(store: Store, t: Target, gate: phases.Gate) -> bool:
    """An approved phase of a signed gate may be approved again while no approval of it
    counts (unsigned, or signed with a key the allowed signers do not list)."""
    if not gate.signed or phases.status_of(t.raw, gate.phase) != "approved":
        return False
    return not approvals.gate_passed(store, t.ref, gate)


def _after(phase: str, gate: phases.Gate) -> str | None:
    """The phase that may start now, if any."""
    if gate.required or phase == PHASES[-1]:
        return None
    return PHASES[PHASES.index(phase) + 1]


def _task_done() -> dict[str, Any]:
    return {"status": "completed", "completed_at": clock.seconds()}


def approver_email(store: Store) -> str:
    email = phases.email_of(eventlog.identity(store.paths.root))
    if "@" not in email:
        raise MilestoneError(
            "no git identity to record the approval under",
            "set one with `git config user.email you@example.com`",
        )
    return email


def _check_deliverables(store: Store, t: Target, phase: str) -> None:
    missing = []
    for d in phases.deliverables(t.raw, t.task.id, phase):
        phases.inside(store.paths.root, d.path, t.milestone.path, d.field)
        if not phases.exists(store.paths.root, d.path):
            missing.append(d.path)
    if missing:
        raise MilestoneError(
            f"phase {phase} of {t.ref} cannot complete: missing deliverable"
            f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}",
            "create them (paths are relative to the repository root), or change the phase's "
            "deliverables in the milestone file",
            path=t.milestone.path,
        )


def _writer(
    task_id: str,
    phase: str,
    updates: Mapping[str, Any],
    task_updates: Mapping[str, Any],
    milestone_updates: Mapping[str, Any] | None = None,
) -> Callable[[Document], None]:
    base: list[str | int] = ["tasks", task_id, "kiro_workflow", "phases", phase]

    def change(doc: Document) -> None:
        for key, value in updates.items():
            doc.set([*base, *key.split(".")], value)
        for key, value in task_updates.items():
            doc.set(["tasks", task_id, *key.split(".")], value)
        for key, value in (milestone_updates or {}).items():
            doc.set([*key.split(".")], value)

    return change


# -- phase status --------------------------------------------------------------------------------


def targets(store: Store, ref: str | None, milestones: list[Milestone]) -> list[Target]:
    """Phased tasks of one task ref, one milestone, or every active milestone."""
    if ref and ("/" in ref or not _is_milestone(store, ref)):
        return [target(store, ref)]
    wanted = store.resolve(ref).id if ref else None
    config = store.config()
    out = []
    for m in milestones:
        if (wanted and m.id != wanted) or (not wanted and m.location != "active"):
            continue
        for task in m.tasks:
            if task.phases is not None:
                raw = m.raw_task(task.id) or {}
                out.append(
                    Target(m, task, raw, [phases.gate_for(m, raw, p, config) for p in PHASES])
                )
    return out


def _is_milestone(store: Store, ref: str) -> bool:
    try:
        store.resolve(ref)
    except MilestoneError:
        return False
    return True


def view(store: Store, t: Target, events: list[Event]) -> dict[str, Any]:
    """One task's phases: status, gate, deliverables and history, as `--json` prints it."""
    history = {r.phase: r for r in phases.phase_history(events, t.milestone.id, t.task.id)}
    found = approvals.collect(store, events, t.ref)
    settings = store.settings()
    rows = []
    for p, gate in zip(PHASES, t.gates, strict=True):
        rows.append(
            {
                "phase": p,
                "status": phases.status_of(t.raw, p),
                "gate": gate.name,
                "approval_required": gate.required,
                "approvers": list(gate.approvers),
                "criteria": list(gate.criteria),
                "deliverables": [
                    _deliverable(store, t, d) for d in phases.deliverables(t.raw, t.task.id, p)
                ],
                "history": history[p].as_dict() if p in history else None,
                "signature_required": gate.signed,
                "approvals": [a.as_dict() for a in approvals.for_gate(found, t.ref, p)],
            }
        )
    weights = phase_weights(t.milestone, settings)
    return {
        "ref": t.ref,
        "title": t.task.title,
        "enabled": t.task.phases is not None,
        "progress": task_progress(t.task, weights, settings.phases_enabled),
        "phases": rows,
    }


def _deliverable(store: Store, t: Target, d: phases.Deliverable) -> dict[str, Any]:
    try:
        phases.inside(store.paths.root, d.path)
    except MilestoneError:
        return {"path": d.path, "state": "outside the repository"}
    state = "present" if phases.exists(store.paths.root, d.path) else "missing"
    return {"path": d.path, "state": state}
