"""A phase's deliverables: its folder `.milestones/deliverables/<task-id>/<phase>/`, the
defaults the project configures per phase, and `phase deliverable add`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmilestone.commands.journal import record
from gitmilestone.core import phases
from gitmilestone.core.model import Milestone
from gitmilestone.errors import ConflictError, MilestoneError
from gitmilestone.storage import atomic
from gitmilestone.storage.store import Store

OPEN = ("pending", "in_progress")


@dataclass(frozen=True)
class Added:
    ref: str
    phase: str
    path: str
    present: bool


def folder_rel(task_id: str, phase: str) -> str:
    return f".milestones/deliverables/{task_id}/{phase}/"


def make_folder(store: Store, task_id: str, phase: str) -> str:
    """Create the phase's folder, with a .gitkeep so git keeps it while it is empty."""
    rel = folder_rel(task_id, phase)
    folder = phases.inside(store.paths.root, rel)
    store.inside_repo(folder.parent)
    folder.mkdir(parents=True, exist_ok=True)
    keep = store.inside_repo(folder / ".gitkeep")
    if not any(folder.iterdir()):
        atomic.create_text(keep, "", store.paths.rel(keep))
    return rel


def defaults(
    config: Mapping[str, Any], raw_task: Mapping[str, Any], task_id: str, phase: str
) -> list[dict[str, str]]:
    """The deliverables phases.deliverables names for `phase` that the phase does not list
    yet, each a Markdown file in the phase's folder."""
    names = ((config.get("phases") or {}).get("deliverables") or {}).get(phase) or ()
    listed = phases.phase_raw(raw_task, phase).get("deliverables") or ()
    taken = {str(d.get("name")) for d in listed if isinstance(d, Mapping)}
    taken |= {str(d) for d in listed if isinstance(d, str)}
    return [
        {"name": str(n), "path": f"{folder_rel(task_id, phase)}{n}.md"}
        for n in names
        if str(n) not in taken
    ]


@dataclass(frozen=True)
class _Target:
    ref: str
    milestone: Milestone
    task_id: str
    raw: Mapping[str, Any]


def add(store: Store, ref: str, phase: str, path: str, name: str | None = None) -> Added:
    """List `path` (relative to the repository root) as a deliverable of the task's phase:
    the phase completes only once it exists."""
    m, task = store.resolve_task(ref)
    t = _Target(f"{m.id}/{task.id}", m, task.id, m.raw_task(task.id) or {})
    phases.check_enabled(t.ref, task, store.settings().phases_enabled)
    status = phases.status_of(t.raw, phase)
    if status not in OPEN:
        raise ConflictError(
            f"phase {phase} of {t.ref} is {status}: its deliverables can no longer change",
            "add the deliverable to a phase that is pending or in progress",
        )
    phases.inside(store.paths.root, path)
    shown = path if not path.endswith("/") else path.rstrip("/") + "/"
    known = [d.path for d in phases.deliverables(t.raw, t.task_id, phase)]
    if _same(shown, known):
        raise MilestoneError(
            f"{shown} is already a deliverable of phase {phase} of {t.ref}",
            f"`git milestone phase status {t.ref}` lists them",
        )
    item = {"name": name or Path(shown.rstrip("/")).name, "path": shown}
    base: list[str | int] = ["tasks", t.task_id, "kiro_workflow", "phases", phase, "deliverables"]
    store.edit(t.milestone, lambda doc: doc.append(base, item))
    record(store, "deliverable_added", t.milestone.id, t.task_id, phase=phase, path=shown)
    return Added(t.ref, phase, shown, phases.exists(store.paths.root, shown))


def _same(path: str, known: list[str]) -> bool:
    def norm(p: str) -> str:
        return p.rstrip("/").removeprefix("./")

    return norm(path) in {norm(k) for k in known}
