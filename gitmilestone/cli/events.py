"""`log` and `apply`: the event log in git, and writing its folded state into the files."""

from __future__ import annotations

from datetime import datetime

import click

from gitmilestone.cli import emit_json, emit_lines, emit_raw, workspace

EVENT_TYPES = [
    "milestone_created",
    "milestone_completed",
    "task_added",
    "task_started",
    "task_blocked",
    "task_completed",
    "task_worked",
    "progress_updated",
    "time_logged",
    "blocker_reported",
    "commit_linked",
    "criterion_added",
    "deliverable_added",
    "fields_set",
    "risk_identified",
    "phase_approved",
    "session_paused",
]


@click.command("log")
@click.argument("milestone_id", required=False)
@click.option(
    "--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only events on or after this date."
)
@click.option(
    "--type",
    "types",
    multiple=True,
    callback=lambda ctx, param, value: _event_types(value),
    help="Only this event type (repeatable), e.g. task_completed, time_logged, session_paused.",
)
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array.")
@click.option(
    "--jsonl", "as_jsonl", is_flag=True, help="Print one event per line (the notes format)."
)
def log_cmd(
    milestone_id: str | None,
    since: datetime | None,
    types: tuple[str, ...],
    as_json: bool,
    as_jsonl: bool,
) -> None:
    """Events from commit trailers and from notes on refs/notes/milestones, merged, each event
    once, in time order. Lines that cannot be read are reported as warnings and skipped.

    \b
    Examples:
      git milestone log M-001 --since 2026-11-01
      git milestone log --type task_completed --jsonl
    """
    import json

    ws = workspace()
    ws.lines_wanted = as_jsonl
    mid = ws.store.resolve(milestone_id).id if milestone_id else None
    found = ws.log.scoped
    day = since.date().isoformat() if since else ""
    if mid or types or day:
        found = [
            e
            for e in found
            if (not mid or e.milestone_id == mid)
            and (not types or e.event_type in types)
            and e.timestamp[:10] >= day
        ]
    if as_jsonl:
        from gitmilestone.commands.logview import jsonl_text

        emit_raw(jsonl_text(ws, found))
    elif as_json:
        from gitmilestone.core.events import json_lines

        # keys in the notes' order: sorted, as each line has them
        emit_json([json.loads(line) for line in json_lines(found)])
    else:
        from gitmilestone.commands.factcheck import stray
        from gitmilestone.core.activity import log_line

        unknown = {e.id for e in stray(found, ws.store.milestones())}
        marks = {True: "  [no such task in the plan]", False: ""}
        emit_lines([log_line(e) + marks[e.id in unknown] for e in found] or ["No events."])


def _event_types(value: tuple[str, ...]) -> tuple[str, ...]:
    """Any well-formed type: newer versions and other commands add types of their own."""
    for kind in value:
        if not kind or not kind.replace("_", "").isalpha() or not kind.islower():
            known = ", ".join(EVENT_TYPES)
            raise click.BadParameter(f"'{kind}' is not an event type (such as {known})")
    return value


@click.command("apply")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def apply_cmd(dry_run: bool) -> None:
    """Write the state the events imply (tasks completed or started by commits, progress from
    Progress: trailers) into the milestone files, so it can be committed and reviewed.
    Only those fields change; the rest of each file stays as it is.
    """
    from gitmilestone.commands.apply import apply

    changes = apply(workspace(), dry_run)
    if not changes:
        click.echo("The files already match the event log.")
    verb = "would set" if dry_run else "set"
    for path, field, old, new in changes:
        click.echo(f"{verb} {field}: {old} -> {new}  ({path})")
