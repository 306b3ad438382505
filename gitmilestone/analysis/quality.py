"""The milestone quality checklist as lint rules, one code per rule (MS001...). The checks
live in `checklist`; this module names the rules, applies the severities and limits of the
`lint` section of milestone-config.yaml and shapes the findings. Pure, except that paths are
resolved against the repository root when one is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from gitmilestone.analysis import checklist
from gitmilestone.analysis.checklist import LintSettings as LintSettings
from gitmilestone.analysis.checklist import Where
from gitmilestone.analysis.checklist import duration_weeks as duration_weeks
from gitmilestone.core.model import Milestone
from gitmilestone.storage.schema import field_name

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: str  # the default; milestone-config.yaml lint.severity overrides it
    summary: str


RULES: dict[str, Rule] = {
    r.code: r
    for r in (
        Rule("MS001", "duration", "warning", "milestone outside min_weeks..max_weeks"),
        Rule("MS002", "no-success-criteria", "error", "no success criteria"),
        Rule("MS003", "criteria-not-measurable", "warning", "no measurable success criterion"),
        Rule("MS004", "unknown-dependency", "error", "depends on an unknown milestone or task"),
        Rule("MS005", "unmapped-dependency", "warning", "task dependency missing in requires"),
        Rule("MS006", "dependency-cycle", "error", "dependency cycle"),
        Rule("MS007", "no-risk-assessment", "warning", "no risks assessed"),
        Rule("MS008", "risk-without-mitigation", "warning", "open risk without mitigation"),
        Rule("MS009", "risk-not-assessed", "warning", "risk without probability or impact"),
        Rule("MS010", "task-too-long", "warning", "task estimated over max_task_hours"),
        Rule("MS011", "task-not-estimated", "info", "task without an estimate"),
        Rule("MS012", "no-buffer", "warning", "no buffer"),
        Rule("MS013", "no-deliverables", "warning", "no deliverables"),
        Rule("MS014", "no-rollback-plan", "error", "critical milestone without rollback_plan"),
        Rule("MS015", "no-resources", "info", "no team members or skills identified"),
        Rule("MS016", "no-tasks", "warning", "milestone not decomposed into tasks"),
        Rule("MS017", "path-outside-repo", "error", "deliverable path outside the repository"),
        Rule("MS018", "approval-not-verified", "error", "an approval's signature fails"),
    )
}


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    milestone: str
    path: str
    where: Where
    message: str
    hint: str
    line: int | None = None

    @property
    def name(self) -> str:
        return RULES[self.code].name

    @property
    def field(self) -> str | None:
        return field_name(self.where) or None

    def as_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "milestone": self.milestone,
            "path": self.path,
            "line": self.line,
            "field": self.field,
            "message": self.message,
            "hint": self.hint,
        }


def lint(
    targets: Sequence[Milestone],
    everyone: Sequence[Milestone],
    settings: LintSettings,
    root: Path | None = None,
) -> list[Finding]:
    """Every finding for `targets`, in rule order per milestone; rules set to `off` are left
    out. `everyone` is the whole plan, for dependency checks."""
    ctx = checklist.Context({m.id: m for m in everyone}, settings, root)
    cycle = checklist.cycle(everyone)
    out: list[Finding] = []
    for m in targets:
        raws = [r for check in checklist.CHECKS for r in check(m, ctx)]
        if cycle and m.id in cycle[2]:
            raws.append(("MS006", ("dependencies",), cycle[0], cycle[1]))
        for code, where, message, hint in sorted(raws, key=lambda r: r[0]):
            severity = settings.severity_of(code, RULES[code].severity)
            if severity in SEVERITIES:
                out.append(Finding(code, severity, m.id, m.path, where, message, hint))
    return out


def locate(
    findings: Iterable[Finding], line_of: Callable[[str, Where], int | None]
) -> list[Finding]:
    """The findings with the line of the field each one names."""
    return [replace(f, line=line_of(f.path, f.where)) for f in findings]


def counts(findings: Iterable[Finding]) -> dict[str, int]:
    out = dict.fromkeys(SEVERITIES, 0)
    for f in findings:
        out[f.severity] += 1
    return out


def plural(n: int, severity: str) -> str:
    """`1 error`, `2 errors`, `3 info`."""
    return f"{n} {severity}{'s' if n != 1 and severity != 'info' else ''}"
