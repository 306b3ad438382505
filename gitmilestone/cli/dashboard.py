"""`dashboard`: the plan on one screen (text, rich or JSON), kept current with --watch, or as a
web page (--web, --open, --serve)."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from gitmilestone.cli import emit_json, emit_lines
from gitmilestone.cli.options import color_option, level_option, width_option
from gitmilestone.cli.views import _store

if TYPE_CHECKING:
    from gitmilestone.dashboard import Source
    from gitmilestone.model import Milestone
    from gitmilestone.storage.store import Store
    from gitmilestone.uilevel import Display


def display_for(store: Store, counts: tuple[int, int], options: dict[str, Any]) -> Display:
    from gitmilestone.uilevel import display

    if options.get("level") == "auto":
        options = {**options, "level": None}
    config = store.config("ui-config")
    return display(config, counts, options, sys.stdout.isatty(), os.environ)


def read_source(store: Store) -> Source:
    from gitmilestone.dashboard import read
    from gitmilestone.model import today

    src = read(store, today())
    for problem in src.problems:
        click.echo(f"warning: {problem} (skipped)", err=True)
    return src


def dashboard_data(store: Store, options: dict[str, Any]) -> tuple[dict[str, Any], Display]:
    """The dashboard's data and how to show it."""
    from gitmilestone.dashboard import build

    src = read_source(store)
    counts = (len(src.milestones), sum(len(m.tasks) for m in src.milestones))
    shown = display_for(store, counts, options)
    return build(src, options.get("top") or shown.top, shown.activity), shown


def show_dashboard(store: Store, data: dict[str, Any], shown: Display) -> None:
    """Rich on a terminal (or with colour forced) at the rich and dashboard levels, else text."""
    if shown.level != "simple" and shown.terminal:
        from gitmilestone.render.rich_view import console, dashboard_view

        console(shown, sys.stdout).print(dashboard_view(data))
        return
    from gitmilestone.render.dashboard import dashboard_lines

    emit_lines(dashboard_lines(data, _bar_width(store)))


def demo_dashboard(store: Store) -> list[str]:
    """The text dashboard `demo` ends with."""
    from gitmilestone.render.dashboard import dashboard_lines

    data, _ = dashboard_data(store, {"level": "simple"})
    return dashboard_lines(data, _bar_width(store))


def status_view(store: Store, options: dict[str, Any]) -> bool:
    """`status` at the level the plan's size or --level asks for; False: the simple level,
    which `status` prints itself."""
    from gitmilestone.view import current

    milestones = store.milestones()
    counts = (len(milestones), sum(len(m.tasks) for m in milestones))
    shown = display_for(store, counts, options)
    if shown.level == "simple" or (shown.level == "rich" and not shown.terminal):
        return False
    if shown.level == "dashboard":
        data, _ = dashboard_data(store, {**options, "level": "dashboard"})
        show_dashboard(store, data, shown)
        click.echo("\nEverything: git milestone list · the web view: git milestone dashboard --web")
        return True
    ms, problems = current(store)
    for problem in problems:
        click.echo(f"warning: {problem} (skipped)", err=True)
    _rich_status(store, ms, shown)
    return True


def _rich_status(store: Store, ms: list[Milestone], shown: Display) -> None:
    from gitmilestone.analysis.risk import status_alerts
    from gitmilestone.model import project_progress, today
    from gitmilestone.render.rich_view import console, status_view
    from gitmilestone.render.text import summary
    from gitmilestone.timeaccount import load

    settings = store.settings()
    alerts, thresholds = status_alerts(ms, store.config())
    times = load(store, ms) if ms else {}
    rows = [{**summary(m, settings), "time": times[m.id]} for m in ms]
    tasks = [t for m in ms for t in m.tasks]
    project = {
        "progress": project_progress(ms, settings),
        "milestones": len(ms),
        "completed": sum(r["status"] == "completed" for r in rows),
        "tasks": len(tasks),
        "tasks_completed": sum(t.status == "completed" for t in tasks),
    }
    rows.sort(key=lambda r: (r["status"] == "completed", r["estimated_end"] or "9999", r["id"]))
    soon = int(store.config()["status"]["due_soon_days"])
    out = console(shown, sys.stdout)
    risks = [a.as_dict(thresholds) for a in alerts]
    out.print(status_view(project, rows, risks, today(), soon, out.width))


def _bar_width(store: Store) -> int:
    return int(store.config()["status"]["bar_width"])


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
    store = _store()
    if options["web"] or options["open_"] or options["serve"]:
        from gitmilestone.cli.webdash import web

        web(store, options)
        return
    if options["watch"]:
        from gitmilestone.cli.webdash import watch

        watch(store, options)
        return
    data, shown = dashboard_data(store, options)
    if as_json:
        emit_json(data)
    else:
        show_dashboard(store, data, shown)
