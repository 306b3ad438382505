"""`git milestone alerts`: what needs attention, for people, CI and cron."""

from __future__ import annotations

import click

from gitmilestone.cli import emit_json, emit_lines, workspace


@click.command("alerts")
@click.option(
    "--within",
    "due_within",
    type=click.IntRange(0, 3650),
    help="Days ahead that count as due soon (default: alerts.due_within_days, 7).",
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when there is any alert (CI, cron).")
@click.pass_context
def alerts_cmd(ctx: click.Context, due_within: int | None, as_json: bool, exit_code: bool) -> None:
    """What needs attention now: overdue milestones, milestones due soon, tasks blocked for
    days, open risks without a mitigation, finished phases waiting for approval and work
    sessions paused for long. The thresholds are under `alerts:` in milestone-config.yaml.

    \b
    Examples:
      git milestone alerts
      git milestone alerts --within 3 --json
      git milestone alerts --exit-code || mail -s "plan needs attention" team@example.com
    """
    from gitmilestone.commands.alerts import gather
    from gitmilestone.core.model import today
    from gitmilestone.render.alerts import alert_lines

    found, _ = gather(workspace(), today(), due_within)  # the workspace reports what it skipped
    if as_json:
        emit_json({"today": today().isoformat(), "alerts": [a.as_dict() for a in found]})
    else:
        emit_lines(alert_lines(found))
    if exit_code and found:
        ctx.exit(1)
