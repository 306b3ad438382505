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
    type=click.Choice(["text", "json", "github", "gitlab"]),
    default="text",
    show_default=True,
    help="Output format: github prints Actions annotations, gitlab a Code Quality report.",
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
      git milestone lint --format github          # annotations in a GitHub Actions job
      git milestone lint --format gitlab > gl-code-quality-report.json
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
    elif fmt in ("github", "gitlab"):
        _emit_forge(fmt, findings)
    else:
        emit_lines(lint_lines(findings, len(targets)))
    if any(f.severity == "error" for f in findings):
        ctx.exit(1)


def _emit_forge(fmt: str, findings: list[Finding]) -> None:
    from gitmilestone.render.forge import codeclimate, github_lines

    if fmt == "github":
        if findings:
            emit_lines(github_lines(findings))
    else:
        emit_json(codeclimate(findings))


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
    (dates, hours, the team's capacity and the capacity-aware schedule, pace, PERT),
    decomposition (tasks too large, milestones without value of their own), dependencies and
    risk, integration with other milestones (shared tasks, people, external dependencies),
    progress (velocity, what is trending late), domains (frontend, backend, infrastructure,
    by category and task skills and labels) and the quality checklist. Each finding that
    needs action comes with a suggestion; each section is produced on its own.

    \b
    Examples:
      git milestone analyze M-002
      git milestone analyze --json
    """
    from gitmilestone.analysis.report import Inputs, analyze
    from gitmilestone.analysis.workload import projected
    from gitmilestone.core.model import today
    from gitmilestone.render.quality import report_lines

    store = workspace().store
    everyone = workspace().plan()
    targets = _targets(store, milestone_id, everyone)
    cfg, settings = store.config(), store.settings()
    ahead = projected(everyone, cfg, settings, today())
    inputs = Inputs(targets, everyone, cfg, settings, today(), store.paths.root, ahead)
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
