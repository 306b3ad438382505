"""Commands that change milestones: new, set, edit, complete, criteria, deliverable."""

from __future__ import annotations

from datetime import datetime

import click

from gitmilestone.cli import emit_json, workspace
from gitmilestone.cli.views import PRIORITIES

DATE = click.DateTime(formats=["%Y-%m-%d"])


@click.command("new")
@click.argument("title")
@click.option("-d", "--description", default="", help="What the milestone accomplishes.")
@click.option(
    "-p", "--priority", type=click.Choice(PRIORITIES), help="Default from milestone-config.yaml."
)
@click.option(
    "-c", "--category", help="feature, infrastructure, testing, documentation or your own."
)
@click.option("--start", type=DATE, help="Estimated start, YYYY-MM-DD.")
@click.option("--end", type=DATE, help="Estimated end (the due date), YYYY-MM-DD.")
@click.option("--hours", type=click.FloatRange(min=0), help="Estimated hours of work.")
@click.option(
    "--buffer", type=click.FloatRange(0, 1000), help="Buffer percentage added to the estimate."
)
@click.option("--requires", multiple=True, help="Milestone this one depends on (repeatable).")
@click.option(
    "-t",
    "--template",
    help="Start from this template of milestone-config.yaml (`git milestone template list`).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the new milestone as JSON.")
def new_cmd(
    title: str,
    description: str,
    priority: str | None,
    category: str | None,
    start: datetime | None,
    end: datetime | None,
    hours: float | None,
    buffer: float | None,
    requires: tuple[str, ...],
    template: str | None,
    as_json: bool,
) -> None:
    """Create .milestones/active/<ID>.yaml from a template: `default` (every field of the
    Milestone Definition Template, empty) unless --template names another. A template fills
    category, criteria, deliverables, risks and tasks; options given here win over it.

    \b
    Examples:
      git milestone new "User authentication" --priority high --end 2026-12-18 --hours 80
      git milestone new "Orders API" --template api --start 2026-12-01 --end 2026-12-18
    """
    from gitmilestone.commands.plan import NewMilestone, new_milestone

    if start and end and end < start:
        raise click.BadParameter("--end is before --start", param_hint="--end")
    spec = NewMilestone(
        title=title,
        description=description,
        priority=priority,
        category=category,
        start=start.date().isoformat() if start else None,
        end=end.date().isoformat() if end else None,
        hours=hours,
        buffer=buffer,
        requires=requires,
        template=template,
    )
    m = new_milestone(workspace().store, spec)
    if as_json:
        emit_json({"id": m.id, "path": m.path})
    else:
        click.echo(f"Created {m.id}: {m.title} ({m.path})")


@click.command("set")
@click.argument("milestone_id")
@click.argument("assignments", nargs=-1, required=True)
def set_cmd(milestone_id: str, assignments: tuple[str, ...]) -> None:
    """Set fields by dotted path; values are read as YAML (numbers, true/false, [lists]).
    All changes are checked against the schema together and written at once, or not at all.
    Comments, key order and unknown keys in the file are kept.

    \b
    Examples:
      git milestone set M-001 priority=high timeline.estimated_hours=60
      git milestone set M-001 'dependencies.external=[design-assets]'
      git milestone set M-001 tasks.task-002.assigned_to=alice
    """
    from gitmilestone.commands.plan import set_values

    m = set_values(workspace().store, milestone_id, list(assignments))
    click.echo(f"Updated {m.id} ({m.path})")


@click.command("edit")
@click.argument("milestone_id")
@click.option(
    "--discard", is_flag=True, help="Throw away a kept draft from an earlier invalid edit."
)
def edit_cmd(milestone_id: str, discard: bool) -> None:
    """Open the milestone file in your editor (GIT_EDITOR, core.editor, VISUAL, EDITOR).

    The result is checked before it replaces the file. If it is invalid, the errors are
    shown and your text is kept as a draft: run `edit` again to continue from it.
    """
    from gitmilestone.commands.editing import edit_milestone

    result = edit_milestone(workspace().store, milestone_id, discard)
    click.echo(result)


@click.command("complete")
@click.argument("milestone_id")
@click.option(
    "-m", "--lessons", default="", help="Lessons learned, appended to completed/lessons-learned.md."
)
@click.option("--force", is_flag=True, help="Complete even though some tasks are unfinished.")
def complete_cmd(milestone_id: str, lessons: str, force: bool) -> None:
    """Mark the milestone completed, move its file to .milestones/completed/ and append a
    section to completed/lessons-learned.md.

    Where the milestone file has `sign_off:` (approvers, signed), completing it is your
    sign-off: only a listed approver may complete it, and the sign-off is signed with your
    git signing key and verified like a phase approval (docs/approvals.md).

    \b
    Example:
      git milestone complete M-001 -m "Estimate OAuth work at 2x next time"
    """
    from gitmilestone.commands.lessons import for_completion
    from gitmilestone.commands.signoff import complete

    ws = workspace()
    actuals = for_completion(ws, milestone_id)
    m, sign_off = complete(ws.store, milestone_id, lessons, force, ws.facts, actuals)
    lessons_file = ".milestones/completed/lessons-learned.md"
    click.echo(f"Completed {m.id}: moved to {m.path}; lessons appended to {lessons_file}")
    if sign_off is not None:
        verdict = sign_off.signature
        click.echo(f"Signed off by {sign_off.approver} — {verdict.message}")


@click.group("criteria")
def criteria_grp() -> None:
    """Success criteria: the measurable outcomes that say a milestone is done."""


@criteria_grp.command("add")
@click.argument("milestone_id")
@click.argument("text")
def criteria_add(milestone_id: str, text: str) -> None:
    """Add a success criterion.

    \b
    Example:
      git milestone criteria add M-001 "Login p95 latency under 200 ms"
    """
    from gitmilestone.commands.plan import add_criterion

    m = add_criterion(workspace().store, milestone_id, text)
    click.echo(f"Added criterion to {m.id} ({len(m.success_criteria)} in all)")


@click.group("deliverable")
def deliverable_grp() -> None:
    """Deliverables: the artifacts a milestone produces."""


@deliverable_grp.command("add")
@click.argument("milestone_id")
@click.argument("name")
@click.option(
    "-t",
    "--type",
    "kind",
    default="code",
    show_default=True,
    help="code, documentation, test, deployment or your own.",
)
@click.option("-a", "--accept", multiple=True, help="An acceptance criterion (repeatable).")
@click.option("--path", help="Where the deliverable lives, relative to the repository root.")
def deliverable_add(
    milestone_id: str, name: str, kind: str, accept: tuple[str, ...], path: str | None
) -> None:
    """Add a deliverable.

    \b
    Example:
      git milestone deliverable add M-001 "Auth API" -t code -a "OpenAPI spec reviewed"
    """
    from gitmilestone.commands.plan import add_deliverable

    m = add_deliverable(workspace().store, milestone_id, name, kind, accept, path)
    click.echo(f"Added deliverable to {m.id} ({len(m.deliverables)} in all)")
