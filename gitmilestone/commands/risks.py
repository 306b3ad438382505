"""The risk register: add, update and close risks in the milestone files, each change an event.
Returns data; never prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitmilestone.analysis.risk import (
    IMPACTS,
    Risk,
    Thresholds,
    all_risks,
    parse_probability,
    risks_of,
)
from gitmilestone.commands.journal import record
from gitmilestone.core import clock
from gitmilestone.core.model import Milestone, next_id, random_suffix
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.storage.store import Store
from gitmilestone.storage.yamledit import Document

EDITABLE = ("description", "probability", "impact", "mitigation", "owner", "status")


@dataclass(frozen=True)
class NewRisk:
    description: str
    probability: str | float
    impact: str
    mitigation: str | None = None
    owner: str | None = None


def add_risk(store: Store, ref: str, spec: NewRisk) -> Risk:
    m = store.resolve(ref)
    item = _checked(
        {
            "description": spec.description,
            "probability": spec.probability,
            "impact": spec.impact,
            "mitigation": spec.mitigation,
            "owner": spec.owner,
        }
    )
    rid = _new_id(store)
    entry = {"id": rid, **item, "status": "open", "identified_at": clock.seconds()}
    store.edit(m, lambda doc: doc.append(["risks"], entry))
    risk = next(r for r in risks_of(store.resolve(m.id)) if r.id == rid)
    record(store, "risk_identified", m.id, **_details(store, risk))
    return risk


def update_risk(store: Store, ref: str, changes: Mapping[str, Any]) -> tuple[Risk, list[str]]:
    """Change the given fields; returns the risk and the names of the fields that changed."""
    m, risk = resolve_risk(store, ref)
    if risk.status == "closed" and changes.get("status") not in ("open", "mitigated"):
        raise ConflictError(
            f"risk {risk.ref} is closed",
            f"reopen it with `git milestone risk update {risk.ref} --status open`",
        )
    wanted = _checked({k: v for k, v in changes.items() if v is not None})
    if not wanted:
        raise MilestoneError(
            "nothing to update", "give at least one of --probability, --impact, --mitigation, ..."
        )
    current = (m.raw.get("risks") or [])[risk.index]
    changed = [k for k, v in wanted.items() if current.get(k) != v]
    if changed:
        store.edit(m, _setter(risk.index, {k: wanted[k] for k in changed}))
        _, risk = resolve_risk(store, risk.ref)
        record(store, "risk_updated", m.id, fields=changed, **_details(store, risk))
    return risk, changed


def close_risk(store: Store, ref: str, reason: str = "") -> Risk:
    m, risk = resolve_risk(store, ref)
    if risk.status == "closed":
        raise ConflictError(
            f"risk {risk.ref} is already closed", "`git milestone risk list --all` shows it"
        )
    updates: dict[str, Any] = {"status": "closed", "closed_at": clock.seconds()}
    if reason.strip():
        updates["resolution"] = reason.strip()
    store.edit(m, _setter(risk.index, updates))
    _, risk = resolve_risk(store, risk.ref)
    record(store, "risk_closed", m.id, notes=reason.strip(), **_details(store, risk))
    return risk


def resolve_risk(store: Store, ref: str) -> tuple[Milestone, Risk]:
    """`M-001/R-002`, `R-002` when unique, a unique prefix (`R-002` for R-002-k7q2), or
    `M-001/3` for the third risk of a milestone (risks written without an id)."""
    milestone, _, rid = ref.rpartition("/")
    pool = [store.resolve(milestone)] if milestone else store.milestones()
    pairs = [(m, r) for m in pool for r in risks_of(m)]
    exact = [p for p in pairs if p[1].id == rid or (milestone and rid == str(p[1].index + 1))]
    found = exact or [p for p in pairs if p[1].id and p[1].id.startswith(rid + "-")]
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFoundError(
            f"unknown risk '{ref}'", "`git milestone risk list --all` shows every risk"
        )
    refs = ", ".join(r.ref for _, r in found[:5])
    raise MilestoneError(
        f"risk '{ref}' is ambiguous: {refs}", f"name the milestone too, e.g. {found[0][1].ref}"
    )


def _checked(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields with their values checked and normalised; refuses bad input before any write."""
    out = dict(fields)
    if "description" in out and not str(out["description"] or "").strip():
        raise MilestoneError("a risk needs a description", "say what could go wrong")
    if out.get("probability") is not None:
        out["probability"] = parse_probability(out["probability"])
    if out.get("impact") is not None and out["impact"] not in IMPACTS:
        raise MilestoneError(
            f"impact '{out['impact']}' is not one of {', '.join(IMPACTS)}",
            "use --impact low, medium or high",
            field="impact",
        )
    if out.get("status") is not None and out["status"] not in ("open", "mitigated"):
        raise MilestoneError(
            f"status '{out['status']}' cannot be set here",
            "use open or mitigated; `git milestone risk close` closes a risk",
            field="status",
        )
    for key in ("description", "mitigation", "owner"):
        if isinstance(out.get(key), str):
            out[key] = out[key].strip() or None
    return out


def _new_id(store: Store) -> str:
    config = store.config()
    ids, prefix = config["ids"], (config.get("risks") or {}).get("id_prefix") or "R"
    taken = [r.id for r in all_risks(store.milestones()) if r.id]
    return next_id(prefix, ids["digits"], taken, random_suffix(ids["suffix_length"]))


def _setter(index: int, updates: Mapping[str, Any]) -> Any:
    def change(doc: Document) -> None:
        for key, value in updates.items():
            doc.set(["risks", index, key], value)

    return change


def _details(store: Store, risk: Risk) -> dict[str, Any]:
    data = risk.as_dict(Thresholds.from_config(store.config()))
    data["risk_id"] = data.pop("id") or risk.ref
    for key in ("ref", "milestone"):
        data.pop(key)
    return data
