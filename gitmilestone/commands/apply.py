"""`apply`: fold the event log into the YAML files."""

from __future__ import annotations

from typing import Any

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
        if found and not dry_run:
            store.edit(before, _setter(found))
        changes += [
            (before.path, f"{before.id}/{tid}.{key}", old, new) for tid, key, old, new in found
        ]
    return changes


def _task_changes(before: Milestone, after: Milestone) -> list[tuple[str, str, Any, Any]]:
    out = []
    for old, new in zip(before.tasks, after.tasks, strict=True):
        for key in ("status", "progress"):
            if getattr(old, key) != getattr(new, key):
                out.append((old.id, key, getattr(old, key), getattr(new, key)))
    return out


def _setter(found: list[tuple[str, str, Any, Any]]) -> Any:
    def change(doc: Document) -> None:
        for tid, key, _, new in found:
            doc.set(
                ["tasks", tid, key],
                int(new) if key == "progress" and float(new).is_integer() else new,
            )

    return change
