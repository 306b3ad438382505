"""`git milestone task ...`"""

from __future__ import annotations

from typing import Any

import click

from gitmilestone.cli import emit_json, emit_lines, workspace


@click.group("task")
def task_grp() -> None:
    """Tasks of a milestone. A task is named MILESTONE/TASK (e.g. M-001/task-002), or by its
    task ID alone when that is unique; any unique prefix works."""


@task_grp.command("add")
@click.argument("milestone_id")
@click.argument("title")
@click.option(
    "--hours",
    type=click.FloatRange(min=0),
    help="Estimated hours (progress weighs tasks by these).",
)
@click.option("--assign", "assigned_to", help="Who does it.")
@click.option(
    "--depends", multiple=True, help="A task it depends on: task-id or M-ID/task-id (repeatable)."
)
@click.option(
    "--phases/--no-phases",
    default=None,
    help="Run it through design -> spec -> task -> execute phases, or not. Default: the "
    "milestone's kiro_configuration.enabled, else phases.new_tasks in milestone-config.yaml.",
)
@click.option("--skill", "skills", multiple=True, help="A skill it needs, e.g. react (repeatable).")
@click.option("--label", "labels", multiple=True, help="A label, e.g. frontend (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the new task as JSON.")
def task_add(
    milestone_id: str,
    title: str,
    hours: float | None,
    assigned_to: str | None,
    depends: tuple[str, ...],
    phases: bool | None,
    skills: tuple[str, ...],
    labels: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add a task to a milestone. Skills and labels place it in a domain for `analyze`.

    \b
    Examples:
      git milestone task add M-001 "JWT implementation" --hours 8 --assign alice
      git milestone task add M-001 "Login form" --hours 8 --skill react --label frontend
    """
    from gitmilestone.commands.plan import NewTask, add_task

    spec = NewTask(title, hours, assigned_to, depends, phases, skills, labels)
    m, t = add_task(workspace().store, milestone_id, spec)
    if as_json:
        emit_json({"milestone": m.id, "id": t.id, "ref": f"{m.id}/{t.id}"})
    else:
        click.echo(f"Added {m.id}/{t.id}: {t.title}")


def _move(ref: str, status: str, reason: str | None = None) -> None:
    from gitmilestone.commands.plan import set_task_status

    m, t, changed = set_task_status(workspace().store, ref, status, reason)
    label = status.replace("_", " ")
    click.echo(f"{m.id}/{t.id} is {label}" + ("" if changed else " already; nothing changed"))


@task_grp.command("start")
@click.argument("task_ref")
def task_start(task_ref: str) -> None:
    """Mark a task in progress."""
    _move(task_ref, "in_progress")


@task_grp.command("block")
@click.argument("task_ref")
@click.option("-r", "--reason", required=True, help="What blocks it.")
def task_block(task_ref: str, reason: str) -> None:
    """Mark a task blocked, with the reason."""
    _move(task_ref, "blocked", reason)


@task_grp.command("done")
@click.argument("task_ref")
def task_done(task_ref: str) -> None:
    """Mark a task completed."""
    _move(task_ref, "completed")


@task_grp.command("list")
@click.argument("milestone_id", required=False)
@click.option(
    "--status",
    "statuses",
    multiple=True,
    type=click.Choice(["pending", "in_progress", "blocked", "completed"]),
    help="Only these statuses.",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def task_list(milestone_id: str | None, statuses: tuple[str, ...], as_json: bool) -> None:
    """List tasks of one milestone, or of all active ones."""
    from gitmilestone.core.model import phase_weights, task_progress

    store = workspace().store
    settings = store.settings()
    wanted = store.resolve(milestone_id).path if milestone_id else None
    ms = [
        m for m in workspace().plan() if m.path == wanted or (not wanted and m.location == "active")
    ]
    rows: list[dict[str, Any]] = [
        {
            "ref": f"{m.id}/{t.id}",
            "milestone": m.id,
            "id": t.id,
            "title": t.title,
            "status": t.status,
            "estimated_hours": t.estimated_hours,
            "assigned_to": t.assigned_to,
            "dependencies": list(t.dependencies),
            "progress": task_progress(t, phase_weights(m, settings), settings.phases_enabled),
        }
        for m in ms
        for t in m.tasks
        if not statuses or t.status in statuses
    ]
    if as_json:
        emit_json(rows)
        return
    if not rows:
        click.echo("No tasks match.")
        return
    from gitmilestone.render.text import TASK_MARK

    width = max(len(r["ref"]) for r in rows)
    emit_lines(
        [
            f"{TASK_MARK[r['status']]} {r['ref']:<{width}}  {r['progress']:3.0f}%  {r['title']}"
            for r in rows
        ]
    )
