"""`apply`: fold the event log into the YAML files."""

from __future__ import annotations

from typing import Any

from gitmilestone.commands import plan_facts
from gitmilestone.core.model import Milestone
from gitmilestone.storage.yamledit import Document
from gitmilestone.workspace import Workspace

Change = tuple[str, str, Any, Any]  # path, field, old, new


def apply(ws: Workspace, dry_run: bool = False) -> list[Change]:
    """Write the task states the events imply into the files (or, dry, list them)."""
    store = ws.store
    folded = ws.plan()
    changes: list[Change] = []
    for before, after in zip(store.counted()[0], folded, strict=True):
        found = _task_changes(before, after)
        started = _started(ws, before, after)
        if (found or started) and not dry_run:
            store.edit(before, _setter(found, started))
        changes += [
            (before.path, f"{before.id}/{tid}.{key}", old, new) for tid, key, old, new in found
        ]
        changes += [(before.path, f"{before.id}.{k}", None, v) for k, v in started.items()]
    return changes


def _started(ws: Workspace, before: Milestone, after: Milestone) -> dict[str, Any]:
    """timeline.actual_start once a task has started, dated by the first event of work."""
    if not any(t.status in ("in_progress", "completed") for t in after.tasks):
        return {}
    return plan_facts.start_updates(before, plan_facts.first_start(ws.log.scoped, before.id))


def _task_changes(before: Milestone, after: Milestone) -> list[tuple[str, str, Any, Any]]:
    out = []
    for old, new in zip(before.tasks, after.tasks, strict=True):
        for key in ("status", "progress"):
            if getattr(old, key) != getattr(new, key):
                out.append((old.id, key, getattr(old, key), getattr(new, key)))
    return out


def _setter(found: list[tuple[str, str, Any, Any]], milestone: dict[str, Any]) -> Any:
    def change(doc: Document) -> None:
        for key, value in milestone.items():
            doc.set([*key.split(".")], value)
        for tid, key, _, new in found:
            doc.set(
                ["tasks", tid, key],
                int(new) if key == "progress" and float(new).is_integer() else new,
            )

    return change
