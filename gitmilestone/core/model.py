"""The plan as frozen data, and the pure rules over it (progress, status, IDs). No I/O."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitmilestone.core import clock

PHASES = ("design", "spec", "task", "execute")
DEFAULT_PHASE_WEIGHTS: Mapping[str, float] = {"design": 15, "spec": 25, "task": 20, "execute": 40}
TASK_STATUSES = ("pending", "in_progress", "blocked", "completed")
POINTS = ("optimistic_hours", "most_likely_hours", "pessimistic_hours")  # PERT three points
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


@dataclass(frozen=True)
class Task:
    id: str
    title: str
    status: str = "pending"
    estimated_hours: float | None = None
    progress: float | None = None  # last recorded percentage, 0..100
    assigned_to: str | None = None
    dependencies: tuple[str, ...] = ()
    blocked_reason: str | None = None
    phases: Mapping[str, str] | None = None  # phase -> status when kiro_workflow is enabled
    optimistic_hours: float | None = None  # PERT three-point estimate, when given
    most_likely_hours: float | None = None
    pessimistic_hours: float | None = None
    completed_at: str | None = None
    # How a phased task's time splits between its phases (timeline.phase_timing): kept on the
    # task, so a schedule never unpacks a milestone's whole file to find it.
    phase_timing: Mapping[str, Any] | None = None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Task:
        kiro = data.get("kiro_workflow") or {}
        phases = None
        if kiro.get("enabled"):
            raw = kiro.get("phases") or {}
            phases = {p: (raw.get(p) or {}).get("status", "pending") for p in PHASES}
        timing = (data.get("timeline") or {}).get("phase_timing") or data.get("phase_timing")
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            status=data.get("status") or "pending",
            estimated_hours=data.get("estimated_hours"),
            progress=data.get("progress"),
            assigned_to=data.get("assigned_to"),
            dependencies=tuple(data.get("dependencies") or ()),
            blocked_reason=data.get("blocked_reason"),
            phases=phases,
            optimistic_hours=data.get("optimistic_hours"),
            most_likely_hours=data.get("most_likely_hours"),
            pessimistic_hours=data.get("pessimistic_hours"),
            completed_at=data.get("completed_at"),
            phase_timing=timing if isinstance(timing, Mapping) else None,
        )

    @property
    def weight(self) -> float:
        """Effort weight: estimated hours, 1 where there is no estimate."""
        return float(self.estimated_hours) if self.estimated_hours else 1.0


@dataclass(frozen=True)
class Milestone:
    id: str
    title: str
    path: str  # relative to the repository root
    location: str = "active"  # active | completed
    priority: str = "medium"
    category: str = "feature"
    declared_status: str | None = None
    description: str | None = None
    estimated_start: str | None = None
    estimated_end: str | None = None
    estimated_hours: float | None = None
    buffer_percentage: float | None = None
    tasks: tuple[Task, ...] = ()
    requires: tuple[str, ...] = ()
    enables: tuple[str, ...] = ()  # as declared; the true list is derived from `requires`
    success_criteria: tuple[str, ...] = ()
    deliverables: tuple[str, ...] = ()
    risk_count: int = 0
    phase_weights: Mapping[str, float] | None = None  # kiro_configuration override
    raw: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, path: str, location: str) -> Milestone:
        timeline = data.get("timeline") or {}
        kiro = data.get("kiro_configuration") or {}
        return cls(
            id=str(data["id"]),
            title=str(data["title"]),
            path=path,
            location=location,
            priority=data.get("priority") or "medium",
            category=data.get("category") or "feature",
            declared_status=data.get("status"),
            description=data.get("description"),
            estimated_start=timeline.get("estimated_start"),
            estimated_end=timeline.get("estimated_end"),
            estimated_hours=timeline.get("estimated_hours"),
            buffer_percentage=timeline.get("buffer_percentage"),
            tasks=tuple(Task.from_dict(t) for t in data.get("tasks") or ()),
            requires=tuple((data.get("dependencies") or {}).get("requires") or ()),
            enables=tuple((data.get("dependencies") or {}).get("enables") or ()),
            success_criteria=tuple(_criterion_text(c) for c in data.get("success_criteria") or ()),
            deliverables=tuple(str(d["name"]) for d in data.get("deliverables") or ()),
            risk_count=len(data.get("risks") or ()),
            phase_weights=kiro.get("phase_weights"),
            raw=data,
        )

    def task(self, task_id: str) -> Task | None:
        return next((t for t in self.tasks if t.id == task_id), None)

    def raw_task(self, task_id: str) -> Mapping[str, Any] | None:
        return next((t for t in self.raw.get("tasks") or () if str(t.get("id")) == task_id), None)

    @property
    def effort(self) -> float:
        """Weight in the project total: estimated hours, else the tasks' hours, else 1."""
        if self.estimated_hours:
            return float(self.estimated_hours)
        hours = sum(t.estimated_hours or 0 for t in self.tasks)
        return float(hours) if hours else 1.0


def _criterion_text(item: Any) -> str:
    return str(item["description"]) if isinstance(item, Mapping) else str(item)


@dataclass(frozen=True)
class Settings:
    """What the rules need from milestone-config.yaml."""

    phases_enabled: bool = True
    phase_weights: Mapping[str, float] = field(default_factory=lambda: DEFAULT_PHASE_WEIGHTS)


def today() -> dt.date:
    return clock.today()


_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # Crockford base32: no i, l, o, u


def random_suffix(length: int) -> str:
    """A random ID suffix, so that two branches creating an item never pick the same ID."""
    import secrets  # only when an ID is made

    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def phase_weights(m: Milestone, settings: Settings) -> Mapping[str, float]:
    """The project's weights, with any the milestone's kiro_configuration names on top."""
    return {**settings.phase_weights, **(m.phase_weights or {})}


def task_progress(task: Task, weights: Mapping[str, float], phases_enabled: bool = True) -> float:
    """100 when completed; else phase-weighted when phases are on; else the last
    recorded progress; else 0."""
    if task.status == "completed":
        return 100.0
    if phases_enabled and task.phases is not None:
        total = sum(weights.get(p, 0) for p in PHASES) or 1
        done = sum(
            weights.get(p, 0)
            for p, s in task.phases.items()
            if s in ("completed", "approved", "skipped")
        )
        return round(100.0 * done / total, 2)
    return float(task.progress or 0)


def milestone_progress(m: Milestone, settings: Settings) -> float:
    """Tasks weighted by estimated hours (1 where missing); a completed milestone is 100.
    Kept on the (immutable) milestone per settings object: whole-plan views ask several
    times per milestone, and at thousands of milestones the repeats were a third of `status`."""
    kept = m.__dict__.get("_progress")
    if kept is not None and (kept[0] is settings or kept[0] == settings):
        return float(kept[1])
    value = _milestone_progress(m, settings)
    object.__setattr__(m, "_progress", (settings, value))
    return value


def _milestone_progress(m: Milestone, settings: Settings) -> float:
    if m.location == "completed" or m.declared_status == "completed":
        return 100.0
    if not m.tasks:
        return 0.0
    weights = phase_weights(m, settings)
    total = sum(t.weight for t in m.tasks)
    earned = sum(t.weight * task_progress(t, weights, settings.phases_enabled) for t in m.tasks)
    return round(earned / total, 2)


def project_progress(milestones: Iterable[Milestone], settings: Settings) -> float:
    """Milestones weighted by their estimated hours."""
    return weighted_progress((m.effort, milestone_progress(m, settings)) for m in milestones)


def weighted_progress(weighted: Iterable[tuple[float, float]]) -> float:
    """The mean of (weight, progress) pairs, by weight."""
    pairs = list(weighted)
    total = sum(w for w, _ in pairs)
    return round(sum(w * p for w, p in pairs) / total, 2) if total else 0.0


def milestone_status(m: Milestone, settings: Settings) -> str:
    """The declared status where it is final, else derived from the tasks."""
    if m.location == "completed":
        return "completed"
    if m.declared_status in ("completed", "cancelled", "blocked"):
        return m.declared_status
    if any(t.status == "blocked" for t in m.tasks) and not any(
        t.status == "in_progress" for t in m.tasks
    ):
        return "blocked"
    if milestone_progress(m, settings) > 0 or any(t.status == "in_progress" for t in m.tasks):
        return "in_progress"
    return m.declared_status or "planned"


def milestone_summary(m: Milestone, settings: Settings) -> dict[str, Any]:
    """The computed view of one milestone, as `--json` prints it."""
    counts = task_counts(m)
    return {
        "id": m.id,
        "title": m.title,
        "status": milestone_status(m, settings),
        "priority": m.priority,
        "category": m.category,
        "progress": milestone_progress(m, settings),
        "tasks": {"total": len(m.tasks), **counts},
        "estimated_start": m.estimated_start,
        "estimated_end": m.estimated_end,
        "estimated_hours": m.estimated_hours,
        "path": m.path,
    }


def task_counts(m: Milestone) -> dict[str, int]:
    counts = dict.fromkeys(TASK_STATUSES, 0)
    for t in m.tasks:
        counts[t.status] = counts.get(t.status, 0) + 1
    return counts


def next_id(prefix: str, digits: int, existing: Iterable[str], suffix: str = "") -> str:
    """The next sequential ID after every `PREFIX-NNN…` in `existing`, plus a suffix that keeps
    IDs created on two branches apart."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)(?:-|$)")
    numbers = [int(m.group(1)) for m in map(pattern.match, existing) if m]
    seq = str(max(numbers, default=0) + 1).zfill(digits)
    return f"{prefix}-{seq}-{suffix}" if suffix else f"{prefix}-{seq}"


def duplicate_ids(ids: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    dups: list[str] = []
    for i in ids:
        if i in seen and i not in dups:
            dups.append(i)
        seen.add(i)
    return dups
