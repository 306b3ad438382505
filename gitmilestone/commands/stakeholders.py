"""Stakeholders: the people with a stake in a milestone (or the whole project) and what they
expect of it. A milestone lists its own under `stakeholders:`; the project's are under
`stakeholders:` in milestone-config.yaml. Returns data; never prints."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from gitmilestone.commands.journal import record
from gitmilestone.core.model import Milestone
from gitmilestone.errors import ConflictError, MilestoneError, NotFoundError
from gitmilestone.storage.store import Store
from gitmilestone.storage.yamledit import Document

PROJECT = "project"


@dataclass(frozen=True)
class Stakeholder:
    name: str
    role: str | None = None
    expectations: str | None = None
    contact: str | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Stakeholder:
        def text(key: str) -> str | None:
            value = data.get(key)
            return str(value) if value not in (None, "") else None

        return cls(str(data.get("name") or ""), text("role"), text("expectations"), text("contact"))

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


def of_milestone(m: Milestone) -> list[Stakeholder]:
    items = m.raw.get("stakeholders") or ()
    return [Stakeholder.from_dict(s) for s in items if isinstance(s, Mapping)]


def of_project(config: Mapping[str, Any]) -> list[Stakeholder]:
    items = config.get("stakeholders") or ()
    return [Stakeholder.from_dict(s) for s in items if isinstance(s, Mapping)]


def add(store: Store, ref: str, person: Stakeholder) -> Milestone:
    m = store.resolve(ref)
    if not person.name.strip():
        raise MilestoneError("a stakeholder needs a name", "give the person's or group's name")
    if any(s.name == person.name for s in of_milestone(m)):
        raise ConflictError(
            f"{person.name} is already a stakeholder of {m.id}",
            f"remove them first: git milestone stakeholder remove {m.id} '{person.name}'",
        )
    store.edit(m, lambda doc: doc.append(["stakeholders"], person.as_dict()))
    record(store, "stakeholder_added", m.id, notes=person.name)
    return store.resolve(m.id)


def remove(store: Store, ref: str, name: str) -> Milestone:
    m = store.resolve(ref)
    kept = [s.as_dict() for s in of_milestone(m) if s.name != name]
    if len(kept) == len(of_milestone(m)):
        known = ", ".join(s.name for s in of_milestone(m)) or "none"
        raise NotFoundError(f"{m.id} has no stakeholder '{name}'", f"its stakeholders: {known}")

    def change(doc: Document) -> None:
        doc.set(["stakeholders"], kept)

    store.edit(m, change)
    record(store, "stakeholder_removed", m.id, notes=name)
    return store.resolve(m.id)


def rows(milestones: list[Milestone], config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every stakeholder with where they are listed: `project` or a milestone ID."""
    out = [{"where": PROJECT, **s.as_dict()} for s in of_project(config)]
    for m in milestones:
        out += [{"where": m.id, **s.as_dict()} for s in of_milestone(m)]
    return out
