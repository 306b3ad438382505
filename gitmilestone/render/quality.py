"""Lint findings, the analysis report and phase status, as lines."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitmilestone.analysis.quality import Finding, counts, plural
from gitmilestone.analysis.report import Section
from gitmilestone.core import phases


def lint_lines(findings: Sequence[Finding], checked: int) -> list[str]:
    out = []
    for f in findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        out.append(f"{where}: {f.code} {f.severity}: {f.milestone}: {f.message}")
        out.append(f"  hint: {f.hint}")
    tally = counts(findings)
    many = "s" if checked != 1 else ""
    if not findings:
        return [f"{checked} milestone{many} checked: every quality check passes."]
    parts = [plural(n, sev) for sev, n in tally.items()]
    return [*out, "", f"{checked} milestone{many} checked: {', '.join(parts)}"]


def report_lines(sections: Sequence[Section], titles: Mapping[str, str]) -> list[str]:
    """One block per perspective; each entry is a milestone (`titles` gives its title)."""
    out: list[str] = []
    for s in sections:
        out += ["", s.title.upper()] if out else [s.title.upper()]
        if s.error:
            out.append(f"  (could not be produced: {s.error})")
            continue
        width = max((len(e.subject) for e in s.entries), default=0)
        for e in s.entries:
            title = titles.get(e.subject, "")
            out.append(f"  {e.subject:<{width}}  {title}".rstrip())
            out += [f"  {'':<{width}}  - {note}" for note in e.notes]
            out += [f"  {'':<{width}}  > {action}" for action in e.actions]
    return out


def phase_lines(views: Sequence[Mapping[str, Any]]) -> list[str]:
    if not views:
        return ["No tasks use phases. Add one with: git milestone task add ID TITLE --phases"]
    out: list[str] = []
    for v in views:
        if out:
            out.append("")
        out.append(f"{v['ref']}  {v['title']}  ({v['progress']:.0f}% by phase weights)")
        for p in v["phases"]:
            out.append("  " + _phase_row(p))
            out += _approval_lines(p)
            out += [f"             {d['path']} ({d['state']})" for d in p["deliverables"]]
    return out


def _phase_row(p: Mapping[str, Any]) -> str:
    row = f"{p['phase']:<8} {p['status']:<12}"
    h = p["history"] or {}
    if h.get("started_at"):
        row += f" started {_short(h['started_at'])}"
    if h.get("completed_at"):
        row += f", completed {_short(h['completed_at'])}"
    if h.get("duration_hours") is not None:
        row += f" ({h['duration_hours']:g} h)"
    if h.get("approved_by"):
        row += f", approved by {', '.join(h['approved_by'])} {_short(h['approved_at'])}"
    if p["approval_required"] and p["status"] not in ("approved", "skipped"):
        who = ", ".join(p["approvers"]) or "anyone"
        row += f"  gate {p['gate']}: approval by {who}"
    return row.rstrip()


def _approval_lines(p: Mapping[str, Any]) -> list[str]:
    """Each approval with its signature check; a signed gate that no approval opens."""
    out = [f"             {phases.approval_text(a)}" for a in p.get("approvals") or ()]
    counted = any(a["counts"] for a in p.get("approvals") or ())
    if p.get("signature_required") and p["status"] == "approved" and not counted:
        out.append(f"             gate {p['gate']} stays closed: it needs a signed approval")
    return out


def verify_lines(approvals: Sequence[Mapping[str, Any]]) -> list[str]:
    """`verify`: one line per approval or sign-off, then the tally."""
    if not approvals:
        return ["No approvals or sign-offs are recorded."]
    out = []
    for a in approvals:
        mark = "FAIL" if a["failed"] else "ok  "
        where = f"{a['ref']} {a['phase']}" if a["phase"] else a["ref"]
        at = f"{_short(a['timestamp'])} at {(a['commit'] or 'no commit')[:10]}"
        out.append(f"{mark} {where} ({a['gate']}): {phases.approval_text(a)}  [{at}]")
    failed = sum(1 for a in approvals if a["failed"])
    total = f"{len(approvals)} approval{'s' if len(approvals) != 1 else ''}"
    return [*out, "", f"{total}, {failed} failed" if failed else f"{total}, all verified"]


def _short(stamp: str | None) -> str:
    return (stamp or "")[:16].replace("T", " ")
