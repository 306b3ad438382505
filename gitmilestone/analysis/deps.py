"""Views of the dependency graph: per-milestone requires/enables (the dependencies.yaml view),
declared `enables` that disagree with `requires`, work that is ready and work that waits."""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Iterable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from gitmilestone.analysis.graph import (
    MILESTONE,
    START,
    TASK,
    Graph,
    Node,
    derived_enables,
    is_done,
)
from gitmilestone.core.model import Milestone


@dataclass(frozen=True)
class Finding:
    path: str
    field: str
    message: str
    hint: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def enables_findings(milestones: Sequence[Milestone]) -> list[Finding]:
    """A declared `enables` entry that no `requires` backs; and, where a milestone declares
    `enables` at all, the milestones that require it but are missing from the list."""
    derived = derived_enables(milestones)
    out = []
    for m in milestones:
        for other in m.enables:
            if other not in derived[m.id]:
                out.append(
                    _finding(
                        m,
                        f"declares it enables {other}, but {other} does not require {m.id}",
                        f"add {m.id} to {other}'s dependencies.requires, or drop it from enables",
                    )
                )
        missing = [x for x in derived[m.id] if x not in m.enables]
        if m.enables and missing:
            out.append(
                _finding(
                    m,
                    f"enables {', '.join(missing)} (they require {m.id}) but its "
                    "enables list leaves them out",
                    "add them to enables, or empty the list: enables is derived from requires",
                )
            )
    return out


def _finding(m: Milestone, message: str, hint: str) -> Finding:
    return Finding(m.path, "dependencies.enables", f"{m.id} {message}", hint)


def waits_for(g: Graph, i: int) -> list[int]:
    """What an item depends on directly: its tasks and milestones, seen through the gate."""
    out: list[int] = []
    for p in g.preds[i]:
        out += g.preds[p] if g.nodes[p].kind == START else [p]
    return out


def work_items(g: Graph, done: Sequence[bool]) -> list[int]:
    """Open tasks and open milestones without tasks: the things someone can work on."""
    return [
        i
        for i, n in enumerate(g.nodes)
        if (n.kind == TASK or (n.kind == MILESTONE and not n.milestone.tasks)) and not done[i]
    ]


def ready(g: Graph) -> list[dict[str, Any]]:
    """Open work whose dependencies are all done and that is not marked blocked."""
    done = [is_done(n) for n in g.nodes]
    return [
        _row(g.nodes[i])
        for i in work_items(g, done)
        if _status(g.nodes[i]) != "blocked" and all(done[p] for p in waits_for(g, i))
    ]


def blocked(g: Graph) -> list[dict[str, Any]]:
    """Open work that waits for unfinished dependencies or is marked blocked, and by what."""
    done = [is_done(n) for n in g.nodes]
    out = []
    for i in work_items(g, done):
        node = g.nodes[i]
        waiting = [g.nodes[p].label for p in waits_for(g, i) if not done[p]]
        reason = node.task.blocked_reason if node.task and node.task.status == "blocked" else None
        if waiting or _status(node) == "blocked":
            out.append(_row(node) | {"waiting_for": waiting, "reason": reason})
    return out


def _status(node: Node) -> str:
    return node.task.status if node.task else (node.milestone.declared_status or "planned")


def _row(node: Node) -> dict[str, Any]:
    return {"id": node.label, "kind": node.kind, "title": node.title, "status": _status(node)}


def related(g: Graph, milestone: str) -> set[str]:
    """The milestone and every milestone upstream or downstream of it."""
    start = [i for i, n in enumerate(g.nodes) if n.milestone.id == milestone]
    return {milestone} | _reach(g, start, g.preds) | _reach(g, start, g.succs)


def _reach(g: Graph, start: Iterable[int], edges: Sequence[Sequence[int]]) -> set[str]:
    seen, todo = set(start), deque(start)
    while todo:
        for j in edges[todo.popleft()]:
            if j not in seen:
                seen.add(j)
                todo.append(j)
    return {g.nodes[i].milestone.id for i in seen}


def view(
    milestones: Sequence[Milestone], g: Graph, critical: Collection[str]
) -> list[dict[str, Any]]:
    """Per milestone: what it depends on, what it enables, and whether it is critical."""
    derived = derived_enables(milestones)
    rank = {i: n for n, i in enumerate(g.order)}
    out = []
    for m in sorted(milestones, key=lambda m: rank[g.index[m.id]]):  # upstream first
        resources = (m.raw.get("resources") or {}).get("shared") or []
        out.append(
            {
                "id": m.id,
                "title": m.title,
                "done": is_done(g.nodes[g.index[m.id]]),
                "depends_on": list(m.requires),
                "enables": derived[m.id],
                "declared_enables": list(m.enables),
                "external": list((m.raw.get("dependencies") or {}).get("external") or []),
                "shared_resources": [str(r) for r in resources],
                "critical_path": m.id in critical,
                "tasks": [_task_view(g, m.id, t.id) for t in m.tasks],
            }
        )
    return out


def _task_view(g: Graph, mid: str, tid: str) -> dict[str, Any]:
    i = g.index[f"{mid}/{tid}"]
    node = g.nodes[i]
    deps = [g.nodes[p].label for p in g.preds[i] if g.nodes[p].kind == TASK]
    return {"id": tid, "title": node.title, "status": _status(node), "depends_on": deps}


def seed_view(rows: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The dependencies.yaml shape: depends_on, enables, shared_resources, critical_path per
    milestone, derived on demand (docs/analytics.md)."""
    keys = ("depends_on", "enables", "shared_resources", "critical_path")
    return {"dependencies": {r["id"]: {k: r[k] for k in keys} for r in rows}}
