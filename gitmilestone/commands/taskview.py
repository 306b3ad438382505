"""Each task's effective state, as `status --json` and `show --json` print it: the status and
progress with this branch's facts laid over the file, the time spent on it, and where the
state comes from (the file, a trailer, a note)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitmilestone.analysis.timeaccount import Key, Spent
from gitmilestone.core.events import TaskFacts
from gitmilestone.core.model import Milestone, Settings, phase_weights, task_progress


def task_list(
    m: Milestone,
    settings: Settings,
    facts: Mapping[tuple[str, str], TaskFacts],
    spent: Mapping[Key, Spent],
) -> list[dict[str, Any]]:
    weights = phase_weights(m, settings)
    filed: dict[str, str] = {}
    rows = []
    for t in m.tasks:
        time = spent.get((m.id, t.id))
        fact = facts.get((m.id, t.id))
        if fact is not None and fact.sources and not filed:
            filed = _filed_status(m)  # the file's raw text is read only where facts are
        rows.append(
            {
                "id": t.id,
                "title": t.title,
                "status": t.status,
                "progress": round(task_progress(t, weights, settings.phases_enabled), 2),
                "estimated_hours": t.estimated_hours,
                "time_spent": time.hours if time else 0.0,
                "time_source": time.source if time else None,
                "source": _source(filed.get(t.id), fact),
            }
        )
    return rows


def _filed_status(m: Milestone) -> dict[str, str]:
    tasks = m.raw.get("tasks") or []
    return {
        str(t.get("id")): str(t.get("status") or "pending") for t in tasks if isinstance(t, dict)
    }


def _source(filed: str | None, f: TaskFacts | None) -> str:
    """`file` when the file decides (no facts, or the file already says completed), else the
    kinds of event that changed it: `trailer`, `note` or `note+trailer`."""
    if f is None or not f.sources or filed == "completed":
        return "file"
    return "+".join(f.sources)
