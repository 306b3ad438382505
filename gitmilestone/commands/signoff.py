"""Completing a milestone whose file asks for a sign-off (`sign_off:` with approvers and
`signed`): the person completing it signs off, with the same signing and verification as a
phase approval, and the sign-off is recorded as a `milestone_signed_off` event."""

from __future__ import annotations

from dataclasses import dataclass

from gitmilestone.commands import approvals, plan
from gitmilestone.commands.workflow import approver_email
from gitmilestone.core import phases
from gitmilestone.core.events import Facts
from gitmilestone.core.model import Milestone
from gitmilestone.git.verification import Verdict
from gitmilestone.storage.store import Store


@dataclass(frozen=True)
class SignOff:
    approver: str
    roles: tuple[str, ...]
    signature: Verdict


def complete(
    store: Store,
    ref: str,
    lessons: str,
    force: bool,
    facts: Facts | None = None,
    actuals: list[str] | None = None,
) -> tuple[Milestone, SignOff | None]:
    """plan.complete, preceded by the sign-off the milestone asks for: refused, before any
    file changes, when you are not one of its approvers or your signature would not count."""
    m = store.resolve(ref)
    gate = approvals.sign_off_gate(m, store.config())
    if gate is None or m.location == "completed":
        return plan.complete(store, ref, lessons, force, facts, actuals), None
    email = approver_email(store)
    roles_cfg = (store.config().get("approvals") or {}).get("roles") or {}
    roles = phases.approver_roles(gate, email, roles_cfg)
    if not roles:
        phases.refuse_approver(m.id, gate, email, roles_cfg)
    details = {"approver": email, "roles": roles}
    event, verdict = approvals.signed_event(
        store, "milestone_signed_off", (m.id, None), details, gate
    )
    done = plan.complete(store, ref, lessons, force, facts, actuals)
    approvals.record_signed(store, event)
    return done, SignOff(email, tuple(roles), verdict)
