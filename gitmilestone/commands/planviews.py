"""Whole-plan views (`status --json`, `list`, the dashboard's data, the plan's size), read
back from the index where they were kept (see viewmemo) and computed only when something they
follow from changed.

This module imports little on purpose: a view read back needs neither the plan's model nor
the analysis, so a warm read costs start-up, a stat of each file and one SQLite lookup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from gitmilestone.commands.plancards import critical_order, deck
from gitmilestone.commands.viewmemo import remembered
from gitmilestone.core.jsontext import plain
from gitmilestone.workspace import Workspace


def status_json_text(ws: Workspace) -> str:
    """What `status --json` prints, as one line of JSON. The figures are kept as text, so a
    warm read writes them without building 20,000 objects."""
    return remembered(ws, "status --json text", lambda: _status_text(ws), lambda _: changing(ws))


def to_text(data: Any) -> str:
    """JSON on one line, as `--json` writes it for a script."""
    return json.dumps(data, ensure_ascii=False, default=plain)


def _status_text(ws: Workspace) -> str:
    from gitmilestone.commands.status import approvals, status

    text = to_text(status(ws).figures())
    return f"{text[:-1]}, {json.dumps('approvals')}: {to_text(approvals(ws))}}}"


def changing(ws: Workspace) -> bool:
    """Whether a view may read otherwise with the same inputs: time in an open session grows
    with the clock, and a signature not checked here (no ssh-keygen, a key missing from the
    GPG keyring) may be checked next time. Such a view holds for its minute only."""
    from gitmilestone.commands.status import approvals, timesheet

    if any(end is None for s in timesheet(ws).sessions for _, end in s.segments):
        return True
    return any(a["verification"]["state"] == "unverifiable" for a in approvals(ws))


def list_rows(ws: Workspace, wanted: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """`list`: one summary per milestone, kept where each field is among the values wanted
    (an empty selection keeps everything)."""
    rows = remembered(ws, "list", lambda: _summaries(ws))
    return [r for r in rows if all(not v or r[k] in v for k, v in wanted.items())]


def _summaries(ws: Workspace) -> list[dict[str, Any]]:
    from gitmilestone.core.model import milestone_summary

    cards = deck(ws)
    if cards is not None:
        from gitmilestone.commands.dashboard import more

        return [more(c, "summary") for c in cards]
    settings = ws.store.settings()
    return [milestone_summary(m, settings) for m in ws.plan()]


def plan_counts(ws: Workspace) -> tuple[int, int]:
    """(milestones, tasks) in the plan, which choose the display level."""

    def count() -> tuple[int, int]:
        cards = deck(ws)
        if cards is not None:
            return len(cards), sum(c["row"]["tasks"]["total"] for c in cards)
        milestones = ws.store.counted()[0]
        return len(milestones), sum(len(m.tasks) for m in milestones)

    counts: tuple[int, int] = remembered(ws, "counts", count)
    return counts


def dashboard_view(ws: Workspace, top: int, latest: int) -> dict[str, Any]:
    """The dashboard's data: its `top` most urgent milestones and `latest` events."""

    def compute() -> dict[str, Any]:
        from gitmilestone.commands.dashboard import assemble, build, read
        from gitmilestone.core.clock import today

        cards = deck(ws)
        if cards is None:
            return build(read(ws, today()), top, latest)
        order = critical_order(ws, cards)
        return assemble(cards, read(ws, today(), []), order, top, latest)

    data: dict[str, Any] = remembered(ws, f"dashboard {top} {latest}", compute)
    return data


def warm(ws: Workspace) -> None:
    """Compute and keep the views `status` and `list` read, where the tier keeps views: after
    `sync` brought new notes or a fresh clone's files, the next command reads them back."""
    from gitmilestone.commands.uilevel import display

    if ws.store.tier().tier == "file":
        return
    shown = display(ws.store.config("ui-config"), plan_counts(ws), {}, False, {})
    dashboard_view(ws, shown.top, shown.activity)
    list_rows(ws, {})
