"""The dependency graph over milestones and tasks, checked for unknown IDs and cycles.

How the two levels combine (one activity network):
- every task is a node; a task `dependencies` entry is a finish-to-start edge, `task-002` within
  the same milestone, `M-002/task-1` across milestones;
- every milestone has a finish node: the milestone is done when all its tasks are. A milestone
  without tasks is one activity of its own estimated hours, and that node is it;
- `dependencies.requires: [A]` on B means no task of B starts before A is finished. A hidden
  start gate per milestone carries that edge, so a milestone of n tasks that requires k
  milestones costs n + k edges, not n * k: the graph stays linear in size.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from gitmilestone.core.model import POINTS, Milestone, Task, duplicate_ids
from gitmilestone.errors import CycleError, MilestoneError

TASK, MILESTONE, START = "task", "milestone", "start"
PHASE = "phase"  # a phase of a task the schedule splits (analysis/phase_activities.py)


@dataclass(frozen=True, eq=False, slots=True)
class Node:
    key: str  # M-001/task-002 (task), M-001 (milestone finish), M-001^start (gate)
    kind: str
    milestone: Milestone
    task: Task | None = None

    @property
    def label(self) -> str:
        """How people write it: the task reference, or the milestone ID for both of its nodes."""
        return self.key if self.kind in (TASK, PHASE) else self.milestone.id

    @property
    def title(self) -> str:
        if self.kind == PHASE and self.task:
            return f"{self.task.title} ({self.key.rsplit(':', 1)[-1]} phase)"
        return self.task.title if self.task else self.milestone.title


@dataclass
class Graph:
    nodes: list[Node] = field(default_factory=list)
    index: dict[str, int] = field(default_factory=dict)
    preds: list[list[int]] = field(default_factory=list)
    succs: list[list[int]] = field(default_factory=list)
    order: list[int] = field(default_factory=list)  # topological: every edge points forward

    def add(self, node: Node) -> int:
        self.index[node.key] = len(self.nodes)
        self.nodes.append(node)
        self.preds.append([])
        self.succs.append([])
        return len(self.nodes) - 1

    def link(self, before: int, after: int) -> None:
        """Callers pass each edge once (no membership test: that would be quadratic)."""
        self.preds[after].append(before)
        self.succs[before].append(after)

    @property
    def edge_count(self) -> int:
        return sum(len(p) for p in self.preds)


def is_closed(m: Milestone) -> bool:
    """Completed or cancelled: nothing of it is left to do and nothing waits for it."""
    return m.location == "completed" or m.declared_status in ("completed", "cancelled")


def is_done(node: Node) -> bool:
    """Nothing left to do: a completed task, a closed milestone, or a milestone whose tasks
    are all completed (its gate: once the milestone is closed)."""
    m = node.milestone
    if is_closed(m):
        return True
    if node.task is not None:
        return node.task.status == "completed"
    return (
        node.kind == MILESTONE and bool(m.tasks) and all(t.status == "completed" for t in m.tasks)
    )


def build(milestones: Sequence[Milestone]) -> Graph:
    """The checked graph; raises MilestoneError for duplicate or unknown IDs and for cycles."""
    _refuse_duplicates(milestones)
    graph = Graph()
    for m in milestones:
        _add_milestone(graph, m)
    for m in milestones:
        _link_milestone(graph, m)
    graph.order = _topological(graph)
    return graph


def _refuse_duplicates(milestones: Sequence[Milestone]) -> None:
    for mid in duplicate_ids(m.id for m in milestones):
        paths = [m.path for m in milestones if m.id == mid]
        raise MilestoneError(
            f"milestone id '{mid}' is used by {len(paths)} files: {', '.join(paths)}",
            "run `git milestone fix-ids` to give all but one a new ID",
            path=paths[-1],
            field="id",
        )
    for m in milestones:
        for tid in duplicate_ids(t.id for t in m.tasks):
            raise MilestoneError(
                f"task id '{tid}' is used twice in {m.id}",
                "run `git milestone fix-ids` to give the later task a new ID",
                path=m.path,
                field="tasks",
            )


def _add_milestone(graph: Graph, m: Milestone) -> None:
    if m.tasks and m.requires:
        graph.add(Node(f"{m.id}^start", START, m))
    for t in m.tasks:
        graph.add(Node(f"{m.id}/{t.id}", TASK, m, t))
    graph.add(Node(m.id, MILESTONE, m))


def _link_milestone(graph: Graph, m: Milestone) -> None:
    finish = graph.index[m.id]
    entry = graph.index.get(f"{m.id}^start", finish)
    for req in dict.fromkeys(m.requires):  # a repeated entry is one edge
        if req not in graph.index or graph.nodes[graph.index[req]].kind != MILESTONE:
            raise MilestoneError(
                f"{m.id} requires unknown milestone '{req}'",
                "fix the ID or remove it from the list (`git milestone list` shows every ID)",
                path=m.path,
                field="dependencies.requires",
            )
        graph.link(graph.index[req], entry)
    for t in m.tasks:
        node = graph.index[f"{m.id}/{t.id}"]
        if entry != finish:
            graph.link(entry, node)
        graph.link(node, finish)
        # `task-1` and `M-001/task-1` in M-001 are the same edge: dedupe after resolving.
        for source in dict.fromkeys(_task_index(graph, m, t, dep) for dep in t.dependencies):
            graph.link(source, node)


def _task_index(graph: Graph, m: Milestone, t: Task, dep: str) -> int:
    key = dep if "/" in dep else f"{m.id}/{dep}"
    found = graph.index.get(key)
    if found is not None and graph.nodes[found].kind == TASK:
        return found
    owner = key.split("/", 1)[0]
    where = "no such milestone" if owner not in graph.index else f"no such task in {owner}"
    raise MilestoneError(
        f"task {m.id}/{t.id} depends on unknown task '{dep}' ({where})",
        "write `task-id` for a task of the same milestone or `M-ID/task-id` for another's "
        "(`git milestone task list` shows every ID)",
        path=m.path,
        field=f"tasks.{t.id}.dependencies",
    )


def _topological(graph: Graph) -> list[int]:
    order, waiting = topological(graph.preds, graph.succs)
    if len(order) < len(graph.nodes):
        _raise_cycle(graph, waiting)
    return order


def topological(
    preds: Sequence[Sequence[int]], succs: Sequence[Sequence[int]]
) -> tuple[list[int], list[int]]:
    """Kahn's algorithm, in index order where there is a choice, so output is stable: the
    order, shorter than the nodes where there is a cycle, and what each node still waits for
    (more than 0 on a cycle and after it)."""
    waiting = [len(p) for p in preds]
    ready = deque(i for i, n in enumerate(waiting) if n == 0)
    order: list[int] = []
    while ready:
        i = ready.popleft()
        order.append(i)
        for s in succs[i]:
            waiting[s] -= 1
            if waiting[s] == 0:
                ready.append(s)
    return order, waiting


def _raise_cycle(graph: Graph, waiting: list[int]) -> None:
    """Every node Kahn left behind has a predecessor that was left behind too, so walking
    back from one of them must come round to a node already seen: that loop is a cycle."""
    node = next(i for i, n in enumerate(waiting) if n > 0)
    seen: dict[int, int] = {}
    path: list[int] = []
    while node not in seen:
        seen[node] = len(path)
        path.append(node)
        node = next(p for p in graph.preds[node] if waiting[p] > 0)
    cycle = list(reversed(path[seen[node] :]))
    labels = cycle_labels([graph.nodes[i] for i in cycle])
    first = graph.nodes[graph.index[labels[0].split("/")[0]]].milestone
    raise CycleError(
        f"dependency cycle: {' -> '.join([*labels, labels[0]])}",
        "nothing in a cycle can ever start: remove one of these dependencies "
        "(a milestone's dependencies.requires or a task's dependencies)",
        labels,
        first.path,
    )


def cycle_labels(cycle: Sequence[Node]) -> list[str]:
    """A cycle (in edge order) as people would write it: a milestone's gate, its tasks and its
    finish in a row read as that milestone; it starts at the smallest label."""
    ends = [i for i, n in enumerate(cycle) if n.kind == MILESTONE]
    if ends:  # rotate so that no gate..finish run wraps around the end
        cycle = [*cycle[ends[-1] + 1 :], *cycle[: ends[-1] + 1]]
    labels: list[str] = []
    i = 0
    while i < len(cycle):
        j = _run_end(cycle, i)
        labels.append(cycle[i].label)
        i = j + 1
    labels = [x for i, x in enumerate(labels) if x != labels[i - 1]] or labels[:1]
    low = labels.index(min(labels))
    return [*labels[low:], *labels[:low]]


def _run_end(cycle: Sequence[Node], i: int) -> int:
    """Where a run gate(M), tasks of M..., finish(M) that starts at `i` ends; `i` if none."""
    m = cycle[i].milestone
    if cycle[i].kind != START:
        return i
    j = i + 1
    while j < len(cycle) and cycle[j].kind == TASK and cycle[j].milestone is m:
        j += 1
    if j < len(cycle) and cycle[j].kind == MILESTONE and cycle[j].milestone is m:
        return j
    return i


def network_inputs(m: Milestone) -> str:
    """Everything the schedule's network and its critical path read of a milestone, as text:
    two plans whose milestones give the same text (with the same calendar, settings and day)
    have the same network and the same solution. Words people read (titles, descriptions,
    owners) are left out, so editing them keeps a solved network (commands/plancards.py)."""
    # A milestone's own three-point estimate counts only where it has no tasks (see effort.left).
    timeline = {} if m.tasks else m.raw.get("timeline") or {}
    tasks = [
        (t.id, t.status, t.estimated_hours, t.progress, t.dependencies, t.phases, t.phase_timing)
        for t in m.tasks
    ]
    points = [(t.optimistic_hours, t.most_likely_hours, t.pessimistic_hours) for t in m.tasks]
    head = (m.id, m.path, m.location, m.declared_status, m.estimated_end, m.estimated_hours)
    rest = (m.buffer_percentage, m.requires, m.phase_weights, tasks, points)
    return repr((*head, *rest, *(timeline.get(k) for k in POINTS)))


def derived_enables(milestones: Iterable[Milestone]) -> dict[str, list[str]]:
    """`enables` as `requires` implies it: A enables B when B requires A."""
    out: dict[str, list[str]] = {}
    ms = list(milestones)
    for m in ms:
        out.setdefault(m.id, [])
    for m in ms:
        for req in dict.fromkeys(m.requires):  # a repeated entry is one edge
            if m.id not in out.setdefault(req, []):
                out[req].append(m.id)
    return out
