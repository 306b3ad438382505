"""The text `status` prints where it prints text (the simple level; the dashboard level off a
terminal), kept as views (see commands/viewmemo.py). The status command and the executable's
quick path (launch.py) both print these lines, so both say the same, byte for byte."""

from __future__ import annotations

from gitmilestone.commands.viewmemo import DASHBOARD_LINES, STATUS_LINES, remembered
from gitmilestone.workspace import Workspace

EVERYTHING = "Everything: git milestone list · the web view: git milestone dashboard --web"


def simple_lines(ws: Workspace) -> list[str]:
    """`status` at the simple level."""
    from gitmilestone.commands.planviews import changing

    return remembered(ws, STATUS_LINES, lambda: _simple(ws), lambda _: changing(ws))


def _simple(ws: Workspace) -> list[str]:
    from gitmilestone.commands.status import status
    from gitmilestone.core.model import today
    from gitmilestone.render.approval_alerts import approval_alert_lines
    from gitmilestone.render.risk import alert_lines
    from gitmilestone.render.text import status_lines

    data = status(ws)
    ms = data.milestones
    lines = status_lines(ms, data.settings, today(), data.bar_width, data.due_soon_days, data.times)
    alerts = alert_lines(data.alerts, data.thresholds) if ms else []
    return lines + alerts + approval_alert_lines(data.approvals)


def dashboard_text(ws: Workspace, top: int, latest: int) -> list[str]:
    """`status` at the dashboard level, as text: the dashboard, then where to see more. The
    text follows from the kept dashboard data alone, so it holds as long as that does."""

    def compute() -> list[str]:
        from gitmilestone.commands.planviews import dashboard_view
        from gitmilestone.render.dashboard import dashboard_lines

        lines = dashboard_lines(dashboard_view(ws, top, latest), bar_width(ws))
        return [*lines, "", EVERYTHING]

    return remembered(ws, DASHBOARD_LINES, compute)


def bar_width(ws: Workspace) -> int:
    return int(ws.store.config()["status"]["bar_width"])
