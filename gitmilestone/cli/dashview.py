"""How the dashboard and `status` show the plan: the display level, the data, the rich or
text view. Shared by the `dashboard` command, its --web/--watch modes and `status`."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Any

import click

from gitmilestone.cli import emit_lines

if TYPE_CHECKING:
    from gitmilestone.commands.dashboard import Source
    from gitmilestone.commands.uilevel import Display
    from gitmilestone.workspace import Workspace


def display_for(ws: Workspace, counts: tuple[int, int], options: dict[str, Any]) -> Display:
    from gitmilestone.commands.uilevel import display

    if options.get("level") == "auto":
        options = {**options, "level": None}
    config = ws.store.config("ui-config")
    return display(config, counts, options, sys.stdout.isatty(), os.environ)


def read_source(ws: Workspace) -> Source:
    from gitmilestone.commands.dashboard import read
    from gitmilestone.core.model import today

    return read(ws, today())  # the workspace reports what it skipped


def dashboard_data(ws: Workspace, options: dict[str, Any]) -> tuple[dict[str, Any], Display]:
    """The dashboard's data and how to show it."""
    from gitmilestone.commands.planviews import dashboard_view, plan_counts

    shown = display_for(ws, plan_counts(ws), options)
    return dashboard_view(ws, options.get("top") or shown.top, shown.activity), shown


def show_dashboard(ws: Workspace, data: dict[str, Any], shown: Display) -> None:
    """Rich on a terminal (or with colour forced) at the rich and dashboard levels, else text."""
    if shown.level != "simple" and shown.terminal:
        from gitmilestone.render.rich_view import console, dashboard_view

        console(shown, sys.stdout).print(dashboard_view(data))
        return
    from gitmilestone.render.dashboard import dashboard_lines

    emit_lines(dashboard_lines(data, _bar_width(ws)))


def demo_dashboard(ws: Workspace) -> list[str]:
    """The text dashboard `demo` ends with."""
    from gitmilestone.render.dashboard import dashboard_lines

    data, _ = dashboard_data(ws, {"level": "simple"})
    return dashboard_lines(data, _bar_width(ws))


def status_view(ws: Workspace, options: dict[str, Any]) -> bool:
    """`status` at the level the plan's size or --level asks for; False: the simple level,
    which `status` prints itself."""
    from gitmilestone.commands.planviews import plan_counts

    shown = display_for(ws, plan_counts(ws), options)
    if shown.level == "simple" or (shown.level == "rich" and not shown.terminal):
        return False
    if shown.level == "dashboard" and shown.terminal:
        from gitmilestone.render.statustext import EVERYTHING

        data, _ = dashboard_data(ws, {**options, "level": "dashboard"})
        show_dashboard(ws, data, shown)
        click.echo(f"\n{EVERYTHING}")
        return True
    if shown.level == "dashboard":
        from gitmilestone.render.statustext import dashboard_text

        emit_lines(dashboard_text(ws, shown.top, shown.activity))
        return True
    _rich_status(ws, shown)
    return True


def _rich_status(ws: Workspace, shown: Display) -> None:
    from gitmilestone.commands.status import status
    from gitmilestone.core.model import today
    from gitmilestone.render.rich_view import console, status_view

    data = status(ws)
    figures = data.figures()  # built once: each task of each milestone
    rows = figures["milestones"]
    tasks = [t for m in data.milestones for t in m.tasks]
    project = {
        "progress": figures["progress"],
        "milestones": len(rows),
        "completed": sum(r["status"] == "completed" for r in rows),
        "tasks": len(tasks),
        "tasks_completed": sum(t.status == "completed" for t in tasks),
    }
    rows.sort(key=lambda r: (r["status"] == "completed", r["estimated_end"] or "9999", r["id"]))
    out = console(shown, sys.stdout)
    risks = [a.as_dict(data.thresholds) for a in data.alerts]
    out.print(status_view(project, rows, risks, today(), data.due_soon_days, out.width))


def _bar_width(ws: Workspace) -> int:
    from gitmilestone.render.statustext import bar_width

    return bar_width(ws)
