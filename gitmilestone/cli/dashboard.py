"""`dashboard`: the plan on one screen (text, rich or JSON), kept current with --watch, or as a
web page (--web, --open, --serve)."""

from __future__ import annotations

from typing import Any

import click

from gitmilestone.cli import emit_json, workspace
from gitmilestone.cli.dashview import dashboard_data, show_dashboard
from gitmilestone.cli.options import color_option, level_option, width_option


@click.command("dashboard")
@click.option("--json", "as_json", is_flag=True, help="Print the dashboard's data as JSON.")
@level_option
@color_option
@width_option
@click.option(
    "--top",
    type=click.IntRange(1, 200),
    help="Active milestones to list (default: `dashboard.top` in ui-config.yaml, 10).",
)
@click.option("--watch", is_flag=True, help="Redraw whenever the plan or its history changes.")
@click.option("--max-redraws", type=int, hidden=True, help="--watch: stop after N redraws.")
@click.option("--web", is_flag=True, help="Write the web dashboard (one HTML file).")
@click.option("--open", "open_", is_flag=True, help="Write the web dashboard and open it.")
@click.option("--serve", is_flag=True, help="Serve the web dashboard, reloading on change.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8765,
    show_default=True,
    help="--serve: the port (0: any free one).",
)
@click.option("--host", help="Address to serve on (default 127.0.0.1: this machine only).")
def dashboard_cmd(as_json: bool, **options: Any) -> None:
    """The plan at a glance: overall progress, the current focus, the most urgent active
    milestones with bars and due dates, the critical path, risk alerts and recent activity.

    The look follows ui-config.yaml (`level`, `color`) unless --level/--color say otherwise;
    piped output is plain text. --watch redraws when a commit, a note or a plan file changes.
    --web writes .git/milestones/dashboard/index.html: one self-contained page (no network)
    with a Gantt chart, the dependency graph, burndown, forecast and the risk matrix.

    \b
    Examples:
      git milestone dashboard
      git milestone dashboard --json
      git milestone dashboard --level rich --watch
      git milestone dashboard --web --open
      git milestone dashboard --serve --port 8765
    """
    ws = workspace()
    if options["web"] or options["open_"] or options["serve"]:
        from gitmilestone.cli.webdash import web

        web(ws, options)
        return
    if options["watch"]:
        from gitmilestone.cli.webdash import watch

        watch(ws, options)
        return
    data, shown = dashboard_data(ws, options)
    if as_json:
        emit_json(data)
    else:
        show_dashboard(ws, data, shown)
