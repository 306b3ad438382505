"""Recording what a command changed, as a note event (see git/eventlog.py)."""

from __future__ import annotations

import os

from gitmilestone.git.eventlog import record_event
from gitmilestone.git.repo import RepoPaths
from gitmilestone.storage.store import Store


def record(
    store: Store,
    event_type: str,
    milestone_id: str | None,
    task_id: str | None = None,
    **details: object,
) -> None:
    """Record an event of the plan in `store`, attached to HEAD (see record_event), with the
    branch and the directory it was recorded from."""
    context = {"user_context": user_context(store.paths)}
    record_event(store.paths, event_type, milestone_id, task_id, dict(details) | context)


def user_context(paths: RepoPaths) -> dict[str, str | None]:
    """{branch, cwd}: the checked-out branch (None when detached), read from HEAD without a
    git call, and the working directory relative to the repository root."""
    try:
        head = (paths.git_dir / "HEAD").read_text(encoding="utf-8").strip()
    except OSError:
        head = ""
    branch = head.removeprefix("ref: refs/heads/") if head.startswith("ref: refs/heads/") else None
    cwd = os.path.relpath(os.getcwd(), paths.root)
    return {"branch": branch, "cwd": "." if cwd.startswith("..") else cwd}
