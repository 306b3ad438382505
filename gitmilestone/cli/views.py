"""Read commands: list, show, status, validate, fix-ids."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from gitmilestone.cli import emit_json, emit_lines
from gitmilestone.cli.options import color_option, level_option, width_option

STATUSES = ["planned", "in_progress", "blocked", "completed", "cancelled"]
PRIORITIES = ["critical", "high", "medium", "low"]


if TYPE_CHECKING:
    from gitmilestone.model import Milestone
    from gitmilestone.storage.store import Store


def _store() -> Store:
    from gitmilestone.storage.store import Store

    return Store.open()


def _current(store: Store) -> list[Milestone]:
    """The plan with the events in git laid over it; log problems go to stderr as warnings."""
    from gitmilestone.view import current

    milestones, problems = current(store)
    for problem in problems:
        click.echo(f"warning: {problem} (skipped)", err=True)
    return milestones


def _with_events(store: Store, m: Milestone) -> Milestone:
    """One milestone with the events laid over it; the rest of the plan is not read."""
    from gitmilestone.events import overlay, task_facts
    from gitmilestone.view import events

    found, problems = events(store)
    for problem in problems:
        click.echo(f"warning: {problem} (skipped)", err=True)
    shown: Milestone = overlay([m], task_facts(found))[0]
    return shown


@click.command("list")
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(STATUSES),
    help="Only these statuses (repeatable).",
)
@click.option(
    "--priority",
    "priorities",
    multiple=True,
    type=click.Choice(PRIORITIES),
    help="Only these priorities.",
)
@click.option("--category", "categories", multiple=True, help="Only these categories.")
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
    from gitmilestone.render.text import list_lines, summary

    store = _store()
    rows = [summary(m, store.settings()) for m in _current(store)]
    rows = [
        r
        for r in rows
        if (not statuses or r["status"] in statuses)
        and (not priorities or r["priority"] in priorities)
        and (not categories or r["category"] in categories)
    ]
    if as_json:
        emit_json(rows)
    else:
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
    from gitmilestone.model import today
    from gitmilestone.render.text import show_lines, summary
    from gitmilestone.timeaccount import load

    store = _store()
    m = _with_events(store, store.resolve(milestone_id))
    time = load(store, [m])[m.id]
    if as_json:
        emit_json({"computed": {**summary(m, store.settings()), "time": time}, "file": m.raw})
    else:
        width = store.config()["status"]["bar_width"]
        emit_lines(show_lines(m, store.settings(), today(), width, time))


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
    from gitmilestone.analysis.risk import status_alerts
    from gitmilestone.model import project_progress
    from gitmilestone.render.text import summary
    from gitmilestone.timeaccount import load

    store = _store()
    if not as_json:
        from gitmilestone.cli.dashboard import status_view

        if not status_view(store, options):
            emit_lines(status_report(store))
        return
    ms, settings = _current(store), store.settings()
    alerts, thresholds = status_alerts(ms, store.config())
    times = load(store, ms) if ms else {}
    emit_json(
        {
            "progress": project_progress(ms, settings),
            "milestones": [{**summary(m, settings), "time": times[m.id]} for m in ms],
            "risk_alerts": [r.as_dict(thresholds) for r in alerts],
        }
    )


def status_report(store: Store) -> list[str]:
    """What `git milestone status` prints (also the last step of `demo`)."""
    from gitmilestone.analysis.risk import status_alerts
    from gitmilestone.model import today
    from gitmilestone.render.risk import alert_lines
    from gitmilestone.render.text import status_lines
    from gitmilestone.timeaccount import load

    ms, settings = _current(store), store.settings()
    alerts, thresholds = status_alerts(ms, store.config())
    times = load(store, ms) if ms else {}
    cfg = store.config()["status"]
    lines = status_lines(ms, settings, today(), cfg["bar_width"], cfg["due_soon_days"], times)
    return lines + (alert_lines(alerts, thresholds) if ms else [])


@click.command("validate")
@click.option("--json", "as_json", is_flag=True, help="Print problems as JSON.")
@click.pass_context
def validate_cmd(ctx: click.Context, as_json: bool) -> None:
    """Check every milestone and config file against its schema, and the plan as a whole:
    duplicate IDs, file names that do not match IDs, unknown dependencies.
    Exits 1 when there is an error.
    """
    from gitmilestone.check import validate

    problems = validate(_store())
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


@click.command("fix-ids")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def fix_ids_cmd(dry_run: bool, as_json: bool) -> None:
    """Give every duplicate milestone or task ID but the first a fresh ID, and rename files
    to match their IDs. Use it after a merge or a hand edit that `validate` reports.
    Dependencies that named a renumbered task are left for you to check.
    """
    from gitmilestone.check import fix_ids

    changes = fix_ids(_store(), dry_run)
    if as_json:
        emit_json([c.__dict__ for c in changes])
        return
    if not changes:
        click.echo("No duplicate IDs.")
        return
    verb = "would rename" if dry_run else "renamed"
    emit_lines([f"{verb} {c.what} {c.old} -> {c.new} ({c.path})" for c in changes])
