"""Changing the plan: init, new milestones and tasks, set, complete. Returns data; never prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmilestone.commands import plan_facts
from gitmilestone.commands.journal import record
from gitmilestone.commands.recording import recording
from gitmilestone.core import clock, phases
from gitmilestone.core.events import Facts, overlay
from gitmilestone.core.model import Milestone, Task, next_id, random_suffix
from gitmilestone.core.phase_defaults import new_task_phases
from gitmilestone.errors import ConflictError, MilestoneError
from gitmilestone.storage import atomic
from gitmilestone.storage.schema import parse_value
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import CONFIG_FILES, LESSONS_LEARNED, MILESTONE_HEADER
from gitmilestone.storage.yamledit import Document, dump_new, parse_path


def init(store: Store) -> list[tuple[str, bool]]:
    """Create `.milestones/` as docs/concepts.md lays it out. Never overwrites: returns each
    path and whether it was created now."""
    root = store.paths.milestones
    store.inside_repo(root)
    report: list[tuple[str, bool]] = []
    subs = ("config", "active", "completed", "deliverables")
    for sub in subs:  # all checked before the first write: a clone may hold symlinks
        store.inside_repo(root / sub)
    for sub in subs:
        folder = root / sub
        report.append((store.paths.rel(folder) + "/", not folder.is_dir()))
        folder.mkdir(parents=True, exist_ok=True)
    files = [(root / rel, text) for rel, text in CONFIG_FILES.values()]
    files += [(root / "completed" / "lessons-learned.md", LESSONS_LEARNED)]
    files += [(root / sub / ".gitkeep", "") for sub in ("active", "deliverables")]
    for path, text in files:
        created = not path.exists() and not path.is_symlink()
        if created:
            atomic.create_text(path, text, store.paths.rel(path))
        report.append((store.paths.rel(path), created))
    store.paths.local_dir.mkdir(parents=True, exist_ok=True)
    return report


@dataclass(frozen=True)
class NewMilestone:
    title: str
    description: str = ""
    priority: str | None = None
    category: str | None = None
    start: str | None = None
    end: str | None = None
    hours: float | None = None
    buffer: float | None = None
    requires: tuple[str, ...] = ()
    template: str | None = None


def new_milestone(store: Store, spec: NewMilestone) -> Milestone:
    from gitmilestone.commands import plan_templates

    config = store.config()
    ids = config["ids"]
    template = plan_templates.get(config, spec.template or plan_templates.DEFAULT_NAME)
    defaults = plan_templates.defaults_with(template, config["defaults"])
    requires = tuple(store.resolve(r).id for r in spec.requires)
    existing = [m.id for m in store.milestones()] + [p.stem for p, _ in store.files()]
    mid = next_id(
        ids["milestone_prefix"], ids["digits"], existing, random_suffix(ids["suffix_length"])
    )
    data = milestone_template(mid, spec, defaults, requires)
    plan_templates.fill(
        data, template, _id_maker(store, "task"), _id_maker(store, "risk"), clock.seconds()
    )
    path = store.paths.milestones / "active" / f"{mid}.yaml"
    extra = {"template": spec.template} if spec.template else {}
    with recording(store, "milestone_created", mid, notes=spec.title, **extra):
        store.write_new(path, dump_new(data, MILESTONE_HEADER.format(id=mid)))
    return store.load(path, "active")


def _id_maker(store: Store, kind: str) -> Callable[[list[str]], str]:
    """IDs for a template's tasks or risks: tasks are new to the milestone, risk IDs are
    unique across the plan."""
    from gitmilestone.analysis.risk import all_risks

    config = store.config()
    ids = config["ids"]
    prefix = ids["task_prefix"] if kind == "task" else config["risks"]["id_prefix"]
    plan = [r.id for r in all_risks(store.milestones()) if r.id] if kind == "risk" else []

    def make(taken: list[str]) -> str:
        return next_id(prefix, ids["digits"], plan + taken, random_suffix(ids["suffix_length"]))

    return make


def milestone_template(
    mid: str, spec: NewMilestone, defaults: dict[str, Any], requires: tuple[str, ...]
) -> dict[str, Any]:
    """Every field of the milestone template, in its order, empty where unknown."""
    return {
        "schema_version": 1,
        "id": mid,
        "title": spec.title,
        "description": spec.description,
        "priority": spec.priority or defaults["priority"],
        "category": spec.category or defaults["category"],
        "status": "planned",
        "created_at": clock.seconds(),
        "timeline": {
            "estimated_start": spec.start,
            "estimated_end": spec.end,
            "estimated_hours": spec.hours
            if spec.hours is not None
            else defaults["estimated_hours"],
            "buffer_percentage": spec.buffer
            if spec.buffer is not None
            else defaults["buffer_percentage"],
        },
        "success_criteria": [],
        "deliverables": [],
        "dependencies": {"requires": list(requires), "enables": [], "external": []},
        "resources": {"team_members": [], "skills_required": [], "tools_needed": []},
        "risks": [],
        "tasks": [],
    }


def set_values(store: Store, ref: str, assignments: list[str]) -> Milestone:
    """`key.path=value` pairs, applied together: all of them or none."""
    m = store.resolve(ref)
    pairs = [_split_assignment(a) for a in assignments]
    if not pairs:
        raise MilestoneError("nothing to set", "give key=value pairs, e.g. priority=high")

    def change(doc: Document) -> None:
        for key, value in pairs:
            doc.set(parse_path(key), parse_value(value))

    with recording(store, "fields_set", m.id, fields=[k for k, _ in pairs]):
        store.edit(m, change, plan_check(store))
    after = store.resolve(m.id)
    plan_facts.record_dependencies(
        store, m.id, plan_facts.requires(m.raw), plan_facts.requires(after.raw)
    )
    return after


def plan_check(store: Store) -> Callable[[Milestone], None]:
    """What a write must keep true of the whole plan: references resolve, no cycle."""
    from gitmilestone.commands.check import refuse_broken_plan

    return lambda changed: refuse_broken_plan(readable_plan(store), changed)


def readable_plan(store: Store) -> list[Milestone]:
    """Every milestone whose file reads: a broken file elsewhere does not stop this write
    (validate reports it), and what it refers to is judged as before the change."""
    try:
        return store.milestones()
    except MilestoneError:
        found = []
        for path, location in store.files():
            try:
                found.append(store.load(path, location))
            except MilestoneError:
                continue
        return found


def _split_assignment(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key.strip():
        raise MilestoneError(
            f"'{text}' is not key=value",
            "write e.g. timeline.estimated_hours=40 or tasks[0].status=completed",
        )
    return key.strip(), value


@dataclass(frozen=True)
class NewTask:
    title: str
    hours: float | None = None
    assigned_to: str | None = None
    depends: tuple[str, ...] = ()
    phases: bool | None = None  # None: as the milestone or the project configures
    skills: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


def add_task(store: Store, ref: str, spec: NewTask) -> tuple[Milestone, Task]:
    m = store.resolve(ref)
    ids = store.config()["ids"]
    depends = [_dependency_id(store, m, d) for d in spec.depends]
    task: dict[str, Any] = {
        "id": "",
        "title": spec.title,
        "estimated_hours": spec.hours,
        "status": "pending",
    }
    task |= {"assigned_to": spec.assigned_to, "dependencies": depends}
    task |= {k: list(v) for k, v in (("skills", spec.skills), ("labels", spec.labels)) if v}
    active = new_task_phases(m.raw, store.config(), spec.phases)
    if active is not None:
        task["kiro_workflow"] = phases.phase_template(active)

    with recording(store, "task_added", m.id, notes=spec.title) as event:

        def change(doc: Document) -> None:
            # The ID is chosen from the file as it is when written: another `task add`
            # may have added one since this command read it.
            known = [str(t.get("id")) for t in doc.get(["tasks"]) or [] if hasattr(t, "get")]
            suffix = random_suffix(ids["suffix_length"])
            task["id"] = event.task_id = next_id(ids["task_prefix"], ids["digits"], known, suffix)
            doc.append(["tasks"], task)

        store.edit(m, change)
    return store.resolve_task(task["id"], m.id)


def _dependency_id(store: Store, m: Milestone, ref: str) -> str:
    """A task dependency as written in the file: `task-id`, or `M-ID/task-id` across milestones."""
    if "/" in ref:
        other, task = store.resolve_task(ref)
        return task.id if other.id == m.id else f"{other.id}/{task.id}"
    _, task = store.resolve_task(ref, m.id)
    return task.id


def set_task_status(
    store: Store, ref: str, status: str, reason: str | None = None, noted: bool = True
) -> tuple[Milestone, Task, bool]:
    """Move a task to `status`. Returns the task and whether anything changed. `noted=False`
    when the commit about to be made states the change in a trailer: one fact, one event."""
    m, task = store.resolve_task(ref)
    if task.status == status and (reason is None or reason == task.blocked_reason):
        return m, task, False
    updates: dict[str, Any] = {"status": status}
    if status == "in_progress" and not (m.raw_task(task.id) or {}).get("started_at"):
        updates["started_at"] = clock.seconds()
    if status == "completed":
        updates["completed_at"] = clock.seconds()
    started = plan_facts.start_updates(m) if status in ("in_progress", "completed") else {}
    if status == "blocked":
        updates["blocked_reason"] = reason or "blocked"
    elif task.blocked_reason:
        updates["blocked_reason"] = None
    kind = {"in_progress": "task_started", "blocked": "task_blocked", "completed": "task_completed"}
    extra = {"blockers_encountered": [reason]} if status == "blocked" and reason else {}
    if not noted:  # the caller records the fact itself
        store.edit(m, _task_updater(task.id, updates, started))
    else:
        with recording(store, kind.get(status, "task_updated"), m.id, **extra) as event:
            event.task_id = task.id
            store.edit(m, _task_updater(task.id, updates, started))
    m2, t2 = store.resolve_task(task.id, m.id)
    return m2, t2, True


def _task_updater(
    task_id: str, updates: dict[str, Any], milestone: dict[str, Any] | None = None
) -> Callable[[Document], None]:
    def change(doc: Document) -> None:
        for key, value in updates.items():
            doc.set(["tasks", task_id, key], value)
        for key, value in (milestone or {}).items():
            doc.set([*key.split(".")], value)

    return change


def add_criterion(store: Store, ref: str, text: str) -> Milestone:
    m = store.resolve(ref)
    if not text.strip():
        raise MilestoneError("a success criterion cannot be empty", "describe a measurable outcome")
    with recording(store, "criterion_added", m.id, notes=text.strip()):
        store.edit(m, lambda doc: doc.append(["success_criteria"], text.strip()))
    return store.resolve(m.id)


def add_deliverable(
    store: Store, ref: str, name: str, kind: str, accept: tuple[str, ...], path: str | None
) -> Milestone:
    m = store.resolve(ref)
    item: dict[str, Any] = {"name": name, "type": kind, "acceptance_criteria": list(accept)}
    if path:
        from gitmilestone.core.phases import inside

        inside(store.paths.root, path, field="path")  # as `phase complete` checks it
        item["path"] = path
    with recording(store, "deliverable_added", m.id, notes=name):
        store.edit(m, lambda doc: doc.append(["deliverables"], item))
    return store.resolve(m.id)


def complete(
    store: Store,
    ref: str,
    lessons: str,
    force: bool,
    facts: Facts | None = None,
    actuals: list[str] | None = None,
) -> Milestone:
    """Mark complete, move to completed/ and append a lessons-learned section (with the
    `actuals` lines, see commands/lessons.py). `facts`: the branch's events, so a task a
    trailer finished counts as finished, as `status` shows it."""
    m = store.resolve(ref)
    if m.location == "completed":
        raise ConflictError(
            f"{m.id} is already completed", "`git milestone list --status completed` shows it"
        )
    shown = overlay([m], facts)[0] if facts else m
    open_tasks = [t.id for t in shown.tasks if t.status != "completed"]
    if open_tasks and not force:
        raise MilestoneError(
            f"{m.id} has {len(open_tasks)} unfinished task(s): {', '.join(open_tasks[:5])}",
            "finish them with `git milestone task done`, or pass --force to complete anyway",
        )
    stamp = clock.seconds()
    doc = Document(store.text_of(m))
    doc.set(["status"], "completed")
    doc.set(["completed_at"], stamp)
    doc.set(["timeline", "actual_end"], stamp[:10])
    text = doc.dump()
    src = store.paths.root / m.path
    dst = store.paths.milestones / "completed" / src.name
    store.parse("milestone", text, store.paths.rel(dst))
    _lessons_file(store)  # refuse a bad lessons file before anything moves
    atomic.move(src, dst, text, m.path, store.paths.rel(dst))
    _append_lessons(store, m, stamp, lessons, open_tasks, actuals or [])
    record(store, "milestone_completed", m.id, progress_percentage=100, notes=lessons.strip())
    store.reload()
    return store.resolve(m.id)


def _lessons_file(store: Store) -> Path:
    path = store.paths.milestones / "completed" / "lessons-learned.md"
    atomic.check_writable(store.inside_repo(path), store.paths.rel(path))
    return path


def _append_lessons(
    store: Store,
    m: Milestone,
    stamp: str,
    lessons: str,
    open_tasks: list[str],
    actuals: list[str],
) -> None:
    path = _lessons_file(store)
    old = path.read_text(encoding="utf-8") if path.exists() else LESSONS_LEARNED
    done = sum(1 for t in m.tasks if t.status == "completed")
    lines = [
        "",
        f"## {m.id}: {m.title} (completed {stamp[:10]})",
        "",
        f"- Tasks completed: {done} of {len(m.tasks)}"
        + (f" (unfinished: {', '.join(open_tasks)})" if open_tasks else ""),
        f"- Estimated: {m.estimated_hours or 0:g} h; planned end {m.estimated_end or 'not set'}",
    ]
    lines += actuals
    lines += [f"- Success criterion: {c}" for c in m.success_criteria]
    lines += ["", lessons.strip() or "_No lessons recorded._", ""]
    atomic.write_text(path, old.rstrip("\n") + "\n" + "\n".join(lines), store.paths.rel(path))
