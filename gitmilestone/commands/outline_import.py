"""`plan import`: the sections of a Markdown outline -> milestone files with fresh IDs,
checked against the schema, then created through the store all or nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitmilestone.commands.plan import NewMilestone, milestone_template
from gitmilestone.core.model import next_id, random_suffix
from gitmilestone.core.outline import PRIORITIES, Item, Section, whole
from gitmilestone.errors import MilestoneError
from gitmilestone.git import eventlog
from gitmilestone.storage.store import Store
from gitmilestone.storage.templates import MILESTONE_HEADER
from gitmilestone.storage.yamledit import dump_new

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Planned:
    id: str
    path: Path
    title: str
    text: str
    tasks: int
    hours: float | None
    requires: tuple[str, ...]

    def as_dict(self, rel: str, with_text: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "path": rel,
            "title": self.title,
            "tasks": self.tasks,
            "estimated_hours": self.hours,
            "requires": list(self.requires),
        }
        return out | ({"text": self.text} if with_text else {})


def read(path: Path) -> str:
    """The outline's text; a file that cannot be read is the user's to fix."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise MilestoneError(
            f"cannot read the outline: {getattr(exc, 'strerror', None) or exc}",
            "give the path of a Markdown file (UTF-8)",
            path=str(path),
        ) from None


def build(store: Store, sections: list[Section], source: str) -> list[Planned]:
    """File texts for every milestone of the outline, with fresh IDs; checked against the
    schema, nothing written."""
    config = store.config()
    ids, defaults = config["ids"], config["defaults"]
    taken = [m.id for m in store.milestones()] + [p.stem for p, _ in store.files()]
    by_slug: dict[str, str] = {}
    out: list[Planned] = []
    for index, sec in enumerate(sections):
        mid = next_id(
            ids["milestone_prefix"], ids["digits"], taken, random_suffix(ids["suffix_length"])
        )
        taken.append(mid)
        requires = tuple(
            _milestone_ref(store, sections, index, by_slug, ref, source) for ref in _after(sec)
        )
        tasks = _tasks(store, sec, ids, source)
        # a task waiting on another milestone's task means the milestone waits on it too
        crossing = (d.split("/")[0] for t in tasks for d in t["dependencies"] if "/" in d)
        requires += tuple(dict.fromkeys(m for m in crossing if m not in requires))
        spec = _spec(sec, requires, source)
        data = milestone_template(mid, spec, defaults, requires)
        data["tasks"] = tasks
        people = [t["assigned_to"] for t in tasks if t["assigned_to"]]
        data["resources"]["team_members"] = list(dict.fromkeys(people))
        data["success_criteria"] = list(sec.criteria)
        data["deliverables"] = [
            {"name": d, "type": "code", "acceptance_criteria": []} for d in sec.deliverables
        ]
        path = store.paths.milestones / "active" / f"{mid}.yaml"
        text = dump_new(data, MILESTONE_HEADER.format(id=mid))
        store.parse("milestone", text, store.paths.rel(path))
        by_slug.setdefault(sec.item.slug, mid)
        out.append(Planned(mid, path, spec.title, text, len(data["tasks"]), spec.hours, requires))
    return out


def _after(sec: Section) -> list[str]:
    refs = list(sec.item.after)
    if sec.fields.get("after"):
        refs += [a.strip() for a in sec.fields["after"].split(",") if a.strip()]
    return refs


def _milestone_ref(
    store: Store,
    sections: list[Section],
    index: int,
    by_slug: dict[str, str],
    ref: str,
    source: str,
) -> str:
    """`#heading-slug` of an earlier heading in the outline, or a milestone already in the plan."""
    line = sections[index].item.line
    if not ref.startswith("#"):
        try:
            return store.resolve(ref).id
        except MilestoneError as err:
            raise MilestoneError(
                err.message, err.hint, path=source, line=line, field="after"
            ) from None
    name = ref[1:]
    if name in by_slug:
        return by_slug[name]
    later = any(s.item.slug == name for s in sections[index:])
    raise MilestoneError(
        f"'after: {ref}' names {'a later heading' if later else 'no heading of the outline'}",
        "refer to a heading above this one by its anchor, e.g. after: #user-authentication, "
        "or to a milestone already in the plan by its ID",
        path=source,
        line=line,
        field="after",
    )


def _spec(sec: Section, requires: tuple[str, ...], source: str) -> NewMilestone:
    f = sec.fields
    prio = (f.get("priority") or sec.item.priority or "").lower() or None
    if prio is not None and prio not in PRIORITIES:
        raise _bad(
            sec, "priority", f"'{prio}' is not a priority", "use " + ", ".join(PRIORITIES), source
        )
    for key in ("start", "end"):
        if f.get(key) and not _DATE.match(f[key]):
            raise _bad(sec, key, f"'{f[key]}' is not a date", "write it as YYYY-MM-DD", source)
    if f.get("start") and f.get("end") and f["end"] < f["start"]:
        raise _bad(sec, "end", "ends before it starts", "check start: and end:", source)
    task_hours = sum(t.hours or 0 for t in sec.tasks)
    hours = sec.item.hours if sec.item.hours is not None else _number(sec, "hours", source)
    return NewMilestone(
        title=sec.item.title or "Untitled",
        description="\n".join(sec.description),
        priority=prio,
        category=f.get("category") or None,
        start=f.get("start") or None,
        end=f.get("end") or None,
        hours=hours if hours is not None else (task_hours or None),
        buffer=_number(sec, "buffer", source),
        requires=requires,
    )


def _number(sec: Section, key: str, source: str) -> float | None:
    raw = sec.fields.get(key, "").rstrip("%h ").strip()
    if not raw:
        return None
    try:
        return whole(float(raw))
    except ValueError:
        raise _bad(
            sec, key, f"'{sec.fields[key]}' is not a number", f"write e.g. {key}: 20", source
        ) from None


def _bad(sec: Section, key: str, message: str, hint: str, source: str) -> MilestoneError:
    line = int(sec.fields.get(f"{key}@line") or sec.item.line)
    return MilestoneError(message, hint, path=source, line=line, field=key)


def _tasks(store: Store, sec: Section, ids: dict[str, Any], source: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    slugs: dict[str, str] = {}
    for item in sec.tasks:
        tid = next_id(
            ids["task_prefix"],
            ids["digits"],
            [t["id"] for t in out],
            random_suffix(ids["suffix_length"]),
        )
        deps = [_task_ref(store, slugs, ref, item, source) for ref in item.after]
        task: dict[str, Any] = {
            "id": tid,
            "title": item.title or "Untitled",
            "estimated_hours": item.hours,
        }
        task |= {"status": "completed" if item.done else "pending", "assigned_to": item.assignee}
        task["dependencies"] = deps
        if item.notes:
            task["description"] = "\n".join(item.notes)
        slugs.setdefault(item.slug, tid)
        out.append(task)
    return out


def _task_ref(store: Store, slugs: dict[str, str], ref: str, item: Item, source: str) -> str:
    """`#task-title` of an earlier task of the same milestone, or `M-ID/task-id` of a task
    already in the plan."""
    if ref.startswith("#") and ref[1:] in slugs:
        return slugs[ref[1:]]
    if "/" in ref and not ref.startswith("#"):
        try:
            m, task = store.resolve_task(ref)
        except MilestoneError as err:
            raise MilestoneError(
                err.message, err.hint, path=source, line=item.line, field="after"
            ) from None
        return f"{m.id}/{task.id}"
    raise MilestoneError(
        f"task '{item.title}': 'after: {ref}' names no earlier task of this milestone",
        "write after: #task-title for a task above it in the same milestone, or "
        "after: M-001/task-002 for a task already in the plan",
        path=source,
        line=item.line,
        field="after",
    )


def write(store: Store, planned: list[Planned], source: str) -> None:
    """Create every file, or none: a failure part-way removes the ones already created."""
    created: list[Path] = []
    try:
        for p in planned:
            store.write_new(p.path, p.text)
            created.append(p.path)
    except BaseException:
        for path in created:
            path.unlink(missing_ok=True)
        raise
    root = store.paths.root
    events = [
        eventlog.new_event(
            root,
            "milestone_created",
            p.id,
            None,
            {"notes": p.title, "imported_from": source, "tasks": p.tasks},
        )
        for p in planned
    ]
    eventlog.record(root, store.paths.common_dir, events)
