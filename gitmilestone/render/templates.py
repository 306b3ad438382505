"""Milestone templates as lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def list_lines(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    width = max((len(r["name"]) for r in rows), default=0)
    out = []
    for r in rows:
        parts = [f"category {r['category']}"] if r["category"] else []
        for key in ("criteria", "deliverables", "risks", "tasks"):
            if r[key]:
                parts.append(f"{r[key]} {key if r[key] != 1 else key.rstrip('s')}")
        if r["phases"]:
            parts.append("phases")
        fills = "; ".join(parts) or "every field empty"
        out.append(f"{r['name']:<{width}}  {r['description']}".rstrip())
        out.append(f"{'':<{width}}  ({fills})")
    return out


def show_lines(name: str, t: Mapping[str, Any]) -> list[str]:
    out = [f"Template {name}: {t.get('description') or ''}".rstrip(": ")]
    for key in ("category", "priority", "estimated_hours", "buffer_percentage"):
        if t.get(key) is not None:
            out.append(f"  {key}: {t[key]}")
    if t.get("phases"):
        out.append("  phases: every task goes through design -> spec -> task -> execute")
    out += _block("Success criteria", [str(c) for c in t.get("criteria") or ()])
    out += _block("Deliverables", [_deliverable(d) for d in t.get("deliverables") or ()])
    out += _block("Risks", [_risk(r) for r in t.get("risks") or ()])
    out += _block("Tasks", [_task(x) for x in t.get("tasks") or ()])
    out += _block("Skills required", [str(s) for s in t.get("skills_required") or ()])
    out += _block("Stakeholders", [_person(s) for s in t.get("stakeholders") or ()])
    return out


def _block(title: str, items: list[str]) -> list[str]:
    return ["", title, *(f"  - {i}" for i in items)] if items else []


def _deliverable(d: Any) -> str:
    return d if isinstance(d, str) else f"{d['name']} ({d.get('type') or 'code'})"


def _risk(r: Mapping[str, Any]) -> str:
    odds = f"p={r.get('probability', '?')}, impact {r.get('impact', '?')}"
    plan = f"; mitigation: {r['mitigation']}" if r.get("mitigation") else ""
    return f"{r['description']} ({odds}){plan}"


def _task(x: Any) -> str:
    if isinstance(x, str):
        return x
    hours = f" ({x['estimated_hours']:g} h)" if x.get("estimated_hours") is not None else ""
    skills = f" [{', '.join(x['skills'])}]" if x.get("skills") else ""
    return f"{x['title']}{hours}{skills}"


def _person(s: Mapping[str, Any]) -> str:
    role = f" ({s['role']})" if s.get("role") else ""
    expects = f": {s['expectations']}" if s.get("expectations") else ""
    return f"{s['name']}{role}{expects}"
