"""Approvals you can trust: phase approvals and milestone sign-offs, signed when they are
recorded and verified wherever they count (phase status, the next phase's start, status,
lint, verify). An approval counts for its gate when the approver is one the gate lists and,
where the gate is `signed`, its signature verifies against the allowed signers (see
`verification`)."""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitmilestone.core import phases
from gitmilestone.core.events import APPROVAL_KINDS, Event
from gitmilestone.core.model import PHASES, Milestone
from gitmilestone.errors import MilestoneError
from gitmilestone.git import eventlog, signing
from gitmilestone.git.verification import UNSIGNED, Verdict, Verifier
from gitmilestone.storage.blobcache import BlobCache
from gitmilestone.storage.store import Store
from gitmilestone.workspace import Workspace

KINDS = APPROVAL_KINDS
SIGN_OFF = "sign_off"
_VERIFIERS: weakref.WeakKeyDictionary[Store, Verifier] = weakref.WeakKeyDictionary()


VERDICTS = "verdicts.cache"  # under .git/milestones: verdicts kept between commands
VERDICTS_KEPT = 4096


def verifier(store: Store) -> Verifier:
    """The command's one verifier: its answers are remembered for the whole command, and its
    lasting verdicts in .git/milestones for the views of later commands (saved by
    `collect`)."""
    if store not in _VERIFIERS:
        kept = BlobCache(store.paths.local_dir, VERDICTS, VERDICTS_KEPT)
        _VERIFIERS[store] = Verifier(store.paths.root, kept)
    return _VERIFIERS[store]


@dataclass(frozen=True)
class Approval:
    kind: str  # phase | sign-off
    milestone_id: str
    task_id: str | None
    phase: str | None
    gate: str
    approver: str
    timestamp: str
    commit: str | None
    event_id: str
    verdict: Verdict
    required: bool  # the gate needs a verified signature
    allowed: bool  # the approver is one the gate lists (or the gate lists nobody)

    @property
    def ref(self) -> str:
        return f"{self.milestone_id}/{self.task_id}" if self.task_id else self.milestone_id

    @property
    def counts(self) -> bool:
        """It passes its gate."""
        return self.allowed and (self.verdict.ok or not self.required)

    @property
    def failed(self) -> bool:
        """`verify` reports it: it does not count, or it carries a signature that fails."""
        broken = self.verdict.state in ("bad-signature", "unknown-key", "revoked")
        return not self.counts or broken

    def text(self) -> str:
        return phases.approval_text(self.as_dict())

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "ref": self.ref,
            "phase": self.phase,
            "gate": self.gate,
            "approver": self.approver,
            "timestamp": self.timestamp,
            "commit": self.commit,
            "event": self.event_id,
            "signature_required": self.required,
            "approver_allowed": self.allowed,
            "counts": self.counts,
            "failed": self.failed,
            "verification": self.verdict.as_dict(),
        }


def sign_off_gate(m: Milestone, config: Mapping[str, Any]) -> phases.Gate | None:
    """The sign-off a milestone's `sign_off:` asks for when it is completed, if any."""
    raw = m.raw.get(SIGN_OFF)
    if not isinstance(raw, Mapping) or raw.get("required") is False:
        return None
    approvers = tuple(str(x) for x in raw.get("approvers") or ())
    return phases.Gate(SIGN_OFF, "", True, approvers, (), phases.signed_gate(raw, config))


def collect(
    store: Store, events: Iterable[Event], wanted: str | None = None, reuse: bool = False
) -> list[Approval]:
    """Every phase approval and sign-off among `events` (of one milestone or task ref when
    `wanted` is given), each verified, in time order. With `reuse` (a view such as status),
    a verdict kept from an earlier check at the same HEAD is read back instead."""
    chosen = [e for e in events if _wanted(e, wanted)]
    if not chosen:
        return []  # most plans: no milestone needs loading
    config = store.config()
    roles = (config.get("approvals") or {}).get("roles") or {}
    by_id = {m.id: m for m in store.milestones()}
    check = verifier(store)
    check.prefetch(e.commit for e in chosen)
    out = []
    for e in chosen:
        gate = _gate_of(e, by_id.get(str(e.milestone_id)), config)
        if gate is not None:
            out.append(_approval(store, e, gate, roles, reuse))
    if isinstance(check.kept, BlobCache):
        check.kept.save()
    return out


def _wanted(e: Event, wanted: str | None) -> bool:
    if e.event_type not in KINDS or not e.milestone_id:
        return False
    ref = f"{e.milestone_id}/{e.task_id}" if e.task_id else e.milestone_id
    return not wanted or wanted in (ref, e.milestone_id)


def _gate_of(e: Event, m: Milestone | None, config: Mapping[str, Any]) -> phases.Gate | None:
    if e.event_type == "milestone_signed_off":
        gate = sign_off_gate(m, config) if m else None
        return gate or phases.Gate(SIGN_OFF, "", True, (), (), phases.signed_gate(None, config))
    phase = e.details.get("phase")
    if phase not in PHASES:
        return None
    raw = (m.raw_task(str(e.task_id)) if m else None) or {}
    if m is None:
        return phases.Gate(
            phases.GATES[str(phase)], str(phase), True, (), (), phases.signed_gate(None, config)
        )
    return phases.gate_for(m, raw, str(phase), config)


def _approval(
    store: Store, e: Event, gate: phases.Gate, roles: Mapping[str, Any], reuse: bool
) -> Approval:
    approver = str(e.details.get("approver") or phases.email_of(e.author or "unknown"))[:254]
    verdict = verifier(store).verify(e, approver, reuse)
    return Approval(
        KINDS[e.event_type],
        str(e.milestone_id),
        e.task_id,
        gate.phase or None,
        gate.name,
        approver,
        e.timestamp,
        e.commit,
        e.id,
        verdict,
        gate.signed,
        bool(phases.approver_roles(gate, approver, roles)),
    )


def for_gate(found: Iterable[Approval], ref: str, phase: str | None) -> list[Approval]:
    return [a for a in found if a.ref == ref and a.phase == phase]


def check_signed_gates(
    store: Store, ref: str, raw_task: Mapping[str, Any], gates: list[phases.Gate], phase: str
) -> None:
    """Refuse to start `phase` while a signed gate before it has no approval that counts."""
    signed = [g for g in gates[: PHASES.index(phase)] if g.required and g.signed]
    if not [g for g in signed if phases.status_of(raw_task, g.phase) == "approved"]:
        return
    found = collect(store, _events(store), ref)
    for gate in signed:
        if phases.status_of(raw_task, gate.phase) != "approved":
            continue
        mine = for_gate(found, ref, gate.phase)
        if not any(a.counts for a in mine):
            raise MilestoneError(
                f"phase {phase} of {ref} cannot start: gate {gate.name} needs a signed "
                f"approval; {'; '.join(a.text() for a in mine) or 'no approval is recorded'}",
                f"an approver signs it: `git milestone phase approve {ref} {gate.phase}` with "
                "a signing key listed in .milestones/config/allowed-signers (docs/approvals.md)",
            )


def gate_passed(store: Store, ref: str, gate: phases.Gate) -> bool:
    found = collect(store, _events(store), ref)
    return any(a.counts for a in for_gate(found, ref, gate.phase))


def _events(store: Store) -> list[Event]:
    """The facts of this branch (a write command has a store, not a workspace)."""
    from gitmilestone.workspace import Workspace

    return Workspace(store.paths).log.scoped


def signed_event(
    store: Store,
    event_type: str,
    ids: tuple[str, str | None],
    details: dict[str, Any],
    gate: phases.Gate,
) -> tuple[Event, Verdict]:
    """The approval event, signed with the user's git signing key where one is configured,
    and its verdict against the allowed signers at HEAD. Refused, before anything is written,
    when the gate needs a signature that would not verify."""
    event = _new_event(store, event_type, ids, details)
    key = signing.signing_key(store.paths.root)
    if key is None:
        if gate.signed:
            raise MilestoneError(
                f"gate {gate.name} needs a signed approval, and git has no signing key set",
                "set one as for `git commit -S`: git config gpg.format ssh && git config "
                "user.signingkey ~/.ssh/id_ed25519.pub (docs/approvals.md)",
            )
        return event, UNSIGNED
    signature = signing.sign(key, signing.canonical(event))
    event = event._replace(details={**details, "signature": signature})
    verdict = verifier(store).verify(event, str(details["approver"]))
    if gate.signed and not verdict.ok:
        raise MilestoneError(
            f"gate {gate.name} needs a signature that verifies, and yours would not: "
            f"{verdict.message}",
            f"list `{details['approver']} <your public key>` in {signing.ALLOWED_SIGNERS} and "
            "commit it (it is reviewed like the plan), then approve again",
        )
    return event, verdict


def _new_event(
    store: Store, event_type: str, ids: tuple[str, str | None], details: dict[str, Any]
) -> Event:
    """An event of this command, part of the work session open in this work tree, if any."""
    from gitmilestone.git.localstate import active_session

    session = active_session(store.paths.common_dir, store.paths.git_dir)
    sid = session.get("session_id") if session else None
    return eventlog.new_event(store.paths.root, event_type, ids[0], ids[1], details, sid)


def record_signed(store: Store, event: Event) -> None:
    eventlog.record(store.paths.root, store.paths.common_dir, [event])


def verify(ws: Workspace, ref: str | None = None) -> tuple[list[Approval], list[str]]:
    """`git milestone verify [ID]`: every approval and sign-off (of one milestone or task),
    verified, and the problems met reading the event log."""
    store = ws.store
    wanted = None
    if ref and "/" in ref:
        m, task = store.resolve_task(ref)
        wanted = f"{m.id}/{task.id}"
    elif ref:
        wanted = store.resolve(ref).id
    return collect(store, ws.log.scoped, wanted), ws.log.problems


def lint_findings(store: Store, targets: Iterable[Milestone]) -> list[tuple[Milestone, Any]]:
    """MS018 for each approval of `targets` that fails verification: (milestone, raw finding
    as the checklist yields it: code, where, message, hint)."""
    by_id = {m.id: m for m in targets}
    found = [a for a in collect(store, _events(store)) if a.failed and a.milestone_id in by_id]
    out = []
    for a in found:
        m = by_id[a.milestone_id]
        where: tuple[str | int, ...] = (SIGN_OFF,) if a.kind == "sign-off" else ("tasks",)
        if a.task_id:
            index = next((i for i, t in enumerate(m.tasks) if t.id == a.task_id), None)
            where = ("tasks",) if index is None else ("tasks", index)
        message = f"{a.ref} {a.phase or ''} {a.text()}".replace("  ", " ")
        hint = (
            "an approver approves again with a key in .milestones/config/allowed-signers; "
            f"`git milestone verify {a.ref}` shows each check"
        )
        out.append((m, ("MS018", where, message, hint)))
    return out
