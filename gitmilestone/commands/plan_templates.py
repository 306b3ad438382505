"""Milestone templates: named starting points (`templates:` in milestone-config.yaml) that fill
a new milestone's category, criteria, deliverables, risks, tasks and phases. `default` is the
Milestone Definition Template itself: every field, empty. Pure; no I/O."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from gitmilestone.core.phases import phase_template
from gitmilestone.errors import NotFoundError

DEFAULT_NAME = "default"
# The seed's Milestone Definition Template adds nothing to the empty milestone `new` writes.
BUILTIN_DEFAULT: Mapping[str, Any] = {
    "description": "Every field of the Milestone Definition Template, empty",
}
SCALARS = ("category", "priority")
TIMELINE = ("estimated_hours", "buffer_percentage")

IdMaker = Callable[[list[str]], str]


def all_templates(config: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    """Every template by name: the built-in default (unless redefined) and the config's."""
    found: dict[str, Mapping[str, Any]] = {DEFAULT_NAME: BUILTIN_DEFAULT}
    for name, body in (config.get("templates") or {}).items():
        found[str(name)] = body or {}
    return found


def get(config: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = all_templates(config)
    if name not in found:
        raise NotFoundError(
            f"unknown template '{name}'",
            f"known templates: {', '.join(found)}; `git milestone template list` describes "
            "them, and templates: in .milestones/config/milestone-config.yaml defines more",
        )
    return found[name]


def defaults_with(template: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The config's defaults with the template's category, priority, hours and buffer on top:
    an option given on the command line still wins over both."""
    keys = SCALARS + TIMELINE
    return {**defaults, **{k: template[k] for k in keys if template.get(k) is not None}}


def fill(
    data: dict[str, Any],
    template: Mapping[str, Any],
    task_id: IdMaker,
    risk_id: IdMaker,
    stamp: str,
) -> dict[str, Any]:
    """The new milestone `data` with the template's lists added (IDs made by the callbacks,
    each given the IDs taken so far)."""
    data["success_criteria"] = [str(c) for c in template.get("criteria") or ()]
    data["deliverables"] = [_deliverable(d) for d in template.get("deliverables") or ()]
    skills = [str(s) for s in template.get("skills_required") or ()]
    data["resources"]["skills_required"] = skills
    if template.get("stakeholders"):
        data["stakeholders"] = [dict(s) for s in template["stakeholders"]]
    data["risks"] = _risks(template.get("risks") or (), risk_id, stamp)
    data["tasks"] = _tasks(template.get("tasks") or (), task_id, bool(template.get("phases")))
    return data


def _deliverable(item: Any) -> dict[str, Any]:
    if isinstance(item, str):
        return {"name": item, "type": "code", "acceptance_criteria": []}
    out = {"name": str(item["name"]), "type": item.get("type") or "code"}
    return out | {"acceptance_criteria": list(item.get("acceptance_criteria") or ())}


def _risks(items: Any, risk_id: IdMaker, stamp: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        entry = {"id": risk_id([r["id"] for r in out]), **dict(item)}
        out.append(entry | {"status": "open", "identified_at": stamp})
    return out


def _tasks(items: Any, task_id: IdMaker, phases: bool) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for item in items:
        body = {"title": item} if isinstance(item, str) else dict(item)
        task: dict[str, Any] = {"id": task_id([t["id"] for t in out]), "title": body["title"]}
        task["estimated_hours"] = body.get("estimated_hours")
        task |= {"status": "pending", "assigned_to": body.get("assigned_to"), "dependencies": []}
        task |= {k: list(body[k]) for k in ("skills", "labels") if body.get(k)}
        if body.get("phases", phases):
            task["kiro_workflow"] = phase_template()
        out.append(task)
    return out


def summary(name: str, template: Mapping[str, Any]) -> dict[str, Any]:
    """One line's worth of a template, for `template list`."""
    return {
        "name": name,
        "description": template.get("description") or "",
        "category": template.get("category"),
        "criteria": len(template.get("criteria") or ()),
        "deliverables": len(template.get("deliverables") or ()),
        "risks": len(template.get("risks") or ()),
        "tasks": len(template.get("tasks") or ()),
        "phases": bool(template.get("phases")),
        "builtin": template is BUILTIN_DEFAULT,
    }
