"""Read commands: list, show, status, validate, fix-ids."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from gitmilestone.cli import emit_json, emit_json_text, emit_lines, workspace
from gitmilestone.cli.options import color_option, level_option, width_option
from gitmilestone.errors import MilestoneError

STATUSES = ["planned", "in_progress", "blocked", "completed", "cancelled"]
PRIORITIES = ["critical", "high", "medium", "low"]


if TYPE_CHECKING:
    from gitmilestone.commands.check import Problem


F = TypeVar("F", bound=Callable[..., Any])


def _only(flag: str, dest: str, choices: list[str] | None) -> Callable[[F], F]:
    """A repeatable filter option: --status a --status b keeps rows with either value."""
    kind = click.Choice(choices) if choices else None
    said = f"Only rows with one of these {flag[2:]} values (repeatable)."
    return click.option(flag, dest, multiple=True, type=kind, help=said)


@click.command("list")
@_only("--status", "statuses", STATUSES)
@_only("--priority", "priorities", PRIORITIES)
@_only("--category", "categories", None)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def list_cmd(
    statuses: tuple[str, ...],
    priorities: tuple[str, ...],
    categories: tuple[str, ...],
    as_json: bool,
) -> None:
    """List milestones, active and completed.

    \b
    Examples:
      git milestone list
      git milestone list --status in_progress --priority high
    """
    from gitmilestone.commands.planviews import list_rows

    wanted = {"status": statuses, "priority": priorities, "category": categories}
    rows = list_rows(workspace(), wanted)
    if as_json:
        emit_json(rows)
    else:
        from gitmilestone.render.listing import list_lines

        emit_lines(list_lines(rows))


@click.command("show")
@click.argument("milestone_id")
@click.option(
    "--json", "as_json", is_flag=True, help="Print the file's contents and computed fields as JSON."
)
def show_cmd(milestone_id: str, as_json: bool) -> None:
    """Show one milestone: timeline, criteria, deliverables, dependencies, risks, tasks.

    MILESTONE_ID may be shortened to any unique prefix (M-001 for M-001-k7q2).
    """
    from gitmilestone.commands.status import show
    from gitmilestone.core.model import today
    from gitmilestone.render.text import show_lines

    shown = show(workspace(), milestone_id)
    if as_json:
        emit_json(shown.as_json())
    else:
        m, settings = shown.milestone, shown.settings
        emit_lines(show_lines(m, settings, today(), shown.bar_width, shown.time, shown.phases))


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@level_option
@color_option
@width_option
def status_cmd(as_json: bool, **options: Any) -> None:
    """Progress of every milestone: a bar, task counts and the due date; once time is tracked,
    the hours spent, the estimate and the efficiency ratio (earned hours / hours spent).

    Progress weighs tasks by their estimated hours; the project total weighs milestones by
    theirs. The look scales with the plan (ui-config.yaml): plain lines, a rich table from 25
    milestones, the one-screen dashboard from 100; --level picks one for this call.
    """
    ws = workspace()
    if as_json:
        from gitmilestone.commands.planviews import status_json_text

        emit_json_text(status_json_text(ws))
        return
    from gitmilestone.cli.dashview import status_view

    if status_view(ws, options):  # the rich or dashboard level, where chosen
        return
    from gitmilestone.render.statustext import simple_lines

    emit_lines(simple_lines(ws))


@click.command("validate")
@click.option("--json", "as_json", is_flag=True, help="Print problems as JSON.")
@click.pass_context
def validate_cmd(ctx: click.Context, as_json: bool) -> None:
    """Check every milestone and config file against its schema, and the plan as a whole:
    duplicate IDs, file names that do not match IDs, unknown dependencies.
    Exits 1 when there is an error.
    """
    from gitmilestone.commands.check import validate

    problems = validate(workspace().store) + _stray_facts()
    if as_json:
        emit_json([p.as_dict() for p in problems])
    elif not problems:
        click.echo("All milestone files are valid.")
    for p in problems if not as_json else ():
        where = f"{p.path}:{p.line}" if p.line else p.path
        field = f": field '{p.field}'" if p.field else ""
        click.echo(f"{p.severity}: {where}{field}: {p.message}", err=True)
        click.echo(f"  hint: {p.hint}", err=True)
    if any(p.severity == "error" for p in problems):
        ctx.exit(1)


def _stray_facts() -> list[Problem]:
    """Warnings for facts in this branch's history that name no task of the plan."""
    from gitmilestone.commands.check import Problem
    from gitmilestone.commands.factcheck import describe, stray

    ws = workspace()
    try:
        found = stray(ws.log.scoped, ws.store.milestones())
    except MilestoneError:  # a plan that does not load is reported by validate itself
        return []
    hint = "fix the plan or ignore it: such a fact changes nothing (`git milestone log` marks it)"
    told = [describe(e) for e in found]
    return [
        Problem("warning", where, None, None, what, hint, "unknown-task") for where, what in told
    ]


@click.command("fix-ids")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def fix_ids_cmd(dry_run: bool, as_json: bool) -> None:
    """Give every duplicate milestone or task ID but the first a fresh ID, and rename files
    to match their IDs. Use it after a merge or a hand edit that `validate` reports.
    Dependencies that named a renumbered task are left for you to check.
    """
    from gitmilestone.commands.check import fix_ids

    changes = fix_ids(workspace().store, dry_run)
    if as_json:
        emit_json([c.__dict__ for c in changes])
        return
    if not changes:
        click.echo("No duplicate IDs.")
        return
    verb = "would rename" if dry_run else "renamed"
    emit_lines([f"{verb} {c.what} {c.old} -> {c.new} ({c.path})" for c in changes])
