"""`git milestone lint` and `git milestone analyze`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

if TYPE_CHECKING:
    from gitmilestone.analysis.quality import Finding
    from gitmilestone.core.model import Milestone
    from gitmilestone.storage.store import Store


def _targets(store: Store, ref: str | None, ms: list[Milestone]) -> list[Milestone]:
    """One milestone (active or completed), or every active one that is not cancelled."""
    if ref:
        wanted = store.resolve(ref).path
        return [m for m in ms if m.path == wanted]
    return [m for m in ms if m.location == "active" and m.declared_status != "cancelled"]


@click.command("lint")
@click.argument("milestone_id", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--json", "as_json", is_flag=True, help="Same as --format json.")
@click.pass_context
def lint_cmd(ctx: click.Context, milestone_id: str | None, fmt: str, as_json: bool) -> None:
    """Check milestones against the quality checklist: 2-4 weeks long, measurable success
    criteria, dependencies mapped, risks assessed and mitigated, tasks of 1-2 days, a buffer,
    deliverables, a rollback plan for critical milestones. Each rule has a code (MS001...)
    and a severity you can change under `lint` in milestone-config.yaml.
    Exits 1 when a finding has severity error, so it can gate commits and CI.

    \b
    Examples:
      git milestone lint
      git milestone lint M-002 --format json
    """
    from gitmilestone.analysis.quality import LintSettings, counts, lint, locate
    from gitmilestone.render.quality import lint_lines
    from gitmilestone.storage.schema import line_of

    store = workspace().store
    everyone = workspace().plan()  # the state status shows: trailers and notes laid over
    targets = _targets(store, milestone_id, everyone)
    settings = LintSettings.from_config(store.config())
    by_path = {m.path: m for m in everyone}
    findings = locate(
        _with_approvals(store, targets, lint(targets, everyone, settings, store.paths.root)),
        lambda path, where: line_of(store.text_of(by_path[path]), where),
    )
    if as_json or fmt == "json":
        emit_json(
            {
                "checked": [m.id for m in targets],
                "counts": counts(findings),
                "findings": [f.as_dict() for f in findings],
            }
        )
    else:
        emit_lines(lint_lines(findings, len(targets)))
    if any(f.severity == "error" for f in findings):
        ctx.exit(1)


def _with_approvals(store: Store, targets: list[Milestone], found: list[Finding]) -> list[Finding]:
    """The checklist's findings and MS018 (approvals whose signatures fail), per milestone."""
    from gitmilestone.analysis.quality import RULES, SEVERITIES, Finding, LintSettings
    from gitmilestone.commands.approvals import lint_findings

    settings = LintSettings.from_config(store.config())
    severity = settings.severity_of("MS018", RULES["MS018"].severity)
    if severity not in SEVERITIES:
        return found
    extra = [
        Finding(code, severity, m.id, m.path, where, message, hint)
        for m, (code, where, message, hint) in lint_findings(store, targets)
    ]
    order = {m.id: i for i, m in enumerate(targets)}
    return sorted(found + extra, key=lambda f: (order.get(f.milestone, 0), f.code))


@click.command("analyze")
@click.argument("milestone_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def analyze_cmd(milestone_id: str | None, as_json: bool) -> None:
    """One report on a milestone (or every active one) from several perspectives: timeline
    (dates, hours, capacity, pace, PERT), dependencies and risk, integration with other
    milestones (shared tasks, people, external dependencies), and the quality checklist.
    Each section is produced on its own.

    \b
    Examples:
      git milestone analyze M-002
      git milestone analyze --json
    """
    from gitmilestone.analysis.report import Inputs, analyze
    from gitmilestone.core.model import today
    from gitmilestone.render.quality import report_lines

    store = workspace().store
    everyone = workspace().plan()
    targets = _targets(store, milestone_id, everyone)
    inputs = Inputs(targets, everyone, store.config(), store.settings(), today(), store.paths.root)
    sections = analyze(inputs)
    if as_json:
        emit_json(
            {
                "milestones": [m.id for m in targets],
                "sections": {s.key: s.as_dict() for s in sections},
            }
        )
    else:
        emit_lines(report_lines(sections, {m.id: m.title for m in targets}))
