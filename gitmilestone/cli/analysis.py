"""Planning analytics: deps, critical-path, schedule, forecast, burndown."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import click

from gitmilestone.cli import emit_json, emit_lines, workspace

if TYPE_CHECKING:
    from gitmilestone.analysis.calendar import WorkCalendar
    from gitmilestone.analysis.schedule import Network
    from gitmilestone.core.events import Event
    from gitmilestone.core.model import Milestone
    from gitmilestone.storage.store import Store

FORMATS = ["text", "mermaid", "dot", "yaml", "json"]
DAY = click.DateTime(formats=["%Y-%m-%d"])
_from = click.option(
    "--from",
    "start",
    type=DAY,
    help="Plan from this day (YYYY-MM-DD) instead of today.",
)
_json = click.option("--json", "as_json", is_flag=True, help="Print as JSON.")


def _day(value: dt.datetime | None) -> dt.date:
    from gitmilestone.core.model import today

    return value.date() if value else today()


def _calendar(store: Store, start: dt.date) -> WorkCalendar:
    from gitmilestone.analysis.calendar import WorkCalendar

    return WorkCalendar.from_config(store.config(), start)


def _network(store: Store, start: dt.date) -> tuple[list[Milestone], Network]:
    from gitmilestone.analysis import schedule

    milestones = workspace().plan()
    buffer = (store.config().get("defaults") or {}).get("buffer_percentage") or 0
    net = schedule.build(milestones, _calendar(store, start), store.settings(), buffer)
    return milestones, net


def _history(store: Store) -> tuple[list[Milestone], list[Event]]:
    """The plan with the events laid over it, and the events, reading the log once."""
    ws = workspace()
    return ws.plan(), ws.log.scoped


@click.command("deps")
@click.argument("ref", required=False)
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", help="Output format.")
@click.option("--tasks", is_flag=True, help="mermaid/dot: draw each milestone's tasks too.")
@click.option("--ready", is_flag=True, help="Only open work whose dependencies are all done.")
@click.option("--blocked", is_flag=True, help="Only open work that waits, and what for.")
@_from
@_json
def deps_cmd(
    ref: str | None,
    fmt: str,
    tasks: bool,
    ready: bool,
    blocked: bool,
    start: dt.datetime | None,
    as_json: bool,
) -> None:
    """The dependency graph of milestones and tasks.

    Milestones depend on milestones through `dependencies.requires`; tasks on tasks through
    their `dependencies` (`task-002` in the same milestone, `M-002/task-001` in another).
    `enables` is derived from `requires`; a declared `enables` that disagrees is reported.
    With REF (a milestone ID), only that milestone and what is upstream or downstream of it.
    Unknown IDs and cycles are errors that name the file and print the cycle.

    \b
    Examples:
      git milestone deps
      git milestone deps M-002 --format mermaid --tasks
      git milestone deps --format yaml        # requires/enables per milestone, as YAML
      git milestone deps --ready
      git milestone deps --blocked --json
    """
    from gitmilestone.analysis import deps, schedule

    store = workspace().store
    milestones, net = _network(store, _day(start))
    scope = deps.related(net.graph, store.resolve(ref).id) if ref else None
    if ready or blocked:
        _ready_blocked(net, scope, ready, blocked, as_json or fmt == "json")
        return
    items = schedule.items(net, net.solve())
    critical = {r["id"] for r in items if r["kind"] == "milestone" and r["critical"]}
    rows = [r for r in deps.view(milestones, net.graph, critical) if not scope or r["id"] in scope]
    findings = [f.as_dict() for f in deps.enables_findings(milestones)]
    _emit_deps(rows, findings, "json" if as_json else fmt, tasks)


def _emit_deps(rows: list[dict[str, Any]], findings: list[Any], fmt: str, tasks: bool) -> None:
    from gitmilestone.analysis.deps import seed_view
    from gitmilestone.render import deps as render

    if fmt == "json":
        emit_json({"milestones": rows, "warnings": findings})
        return
    for line in render.findings_lines(findings):
        click.echo(line, err=True)
    shown = {
        "text": lambda: render.deps_lines(rows),
        "mermaid": lambda: render.mermaid_lines(rows, tasks),
        "dot": lambda: render.dot_lines(rows, tasks),
        "yaml": lambda: render.yaml_lines(seed_view(rows)),
    }
    emit_lines(shown[fmt]())


def _ready_blocked(
    net: Network, scope: set[str] | None, ready: bool, blocked: bool, as_json: bool
) -> None:
    from gitmilestone.analysis import deps
    from gitmilestone.render import deps as render

    def keep(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [r for r in rows if not scope or r["id"].split("/")[0] in scope]

    data: dict[str, Any] = {}
    if ready:
        data["ready"] = keep(deps.ready(net.graph))
    if blocked:
        data["blocked"] = keep(deps.blocked(net.graph))
    if as_json:
        emit_json(data)
        return
    lines = render.ready_lines(data["ready"]) if ready else []
    if ready and blocked:
        lines.append("")
    emit_lines(lines + (render.blocked_lines(data["blocked"]) if blocked else []))


@click.command("critical-path")
@_from
@click.option("--all", "full", is_flag=True, help="Also list every open item with its float.")
@_json
def critical_path_cmd(start: dt.datetime | None, full: bool, as_json: bool) -> None:
    """The chain of work that decides when the plan is done, by the critical path method.

    Forward and backward pass over every open task and milestone from today (or --from) on
    the working calendar of milestone-config.yaml: earliest/latest start and finish, total
    and free float. Durations are the remaining estimated hours plus the milestone's
    buffer_percentage; each milestone's estimated_end is a deadline. Negative float means
    behind schedule and is marked with `!`.

    \b
    Examples:
      git milestone critical-path
      git milestone critical-path --from 2026-12-01 --all
      git milestone critical-path --json
    """
    from gitmilestone.analysis import schedule
    from gitmilestone.render.analysis import critical_path_lines

    _, net = _network(workspace().store, _day(start))
    result = net.solve()
    items = schedule.items(net, result)
    chain = schedule.chain_items(net, result, items)
    summary = schedule.summary(net, result)
    if as_json:
        emit_json({**summary, "critical_path": chain, "items": items})
    else:
        emit_lines(critical_path_lines(summary, chain, items, full))


@click.command("schedule")
@_from
@click.option(
    "--what-if",
    "what_if",
    multiple=True,
    metavar="ITEM+AMOUNT",
    help="Let an item slip, e.g. M-002+5d, M-002/task-003+16h, M-004+1w (repeatable).",
)
@_json
def schedule_cmd(start: dt.datetime | None, what_if: tuple[str, ...], as_json: bool) -> None:
    """Earliest dates for every milestone and task from today (or --from), given the
    dependencies and the work left, and how each milestone stands against its estimated_end.

    Where tasks carry optimistic/most_likely/pessimistic hours, PERT adds the chance of
    meeting each deadline. --what-if shows what moves when something slips (d = working
    days, h = hours, w = working weeks).

    \b
    Examples:
      git milestone schedule
      git milestone schedule --from 2026-12-01 --json
      git milestone schedule --what-if M-002+5d
    """
    _, net = _network(workspace().store, _day(start))
    if what_if:
        _what_if(net, what_if, as_json)
        return
    from gitmilestone.analysis import pert, schedule
    from gitmilestone.render.analysis import schedule_lines

    result = net.solve()
    items = schedule.items(net, result)
    odds = pert.by_milestone(net)
    summary = schedule.summary(net, result)
    if as_json:
        emit_json({**summary, "items": items, "pert": odds})
    else:
        emit_lines(schedule_lines(summary, items, odds))


def _what_if(net: Network, texts: tuple[str, ...], as_json: bool) -> None:
    from gitmilestone.analysis import schedule
    from gitmilestone.render.analysis import what_if_lines

    delays = [schedule.parse_delay(net, t) for t in texts]
    after_net = schedule.delayed(net, delays)
    before, after = net.solve(), after_net.solve()
    moved = schedule.moved(net, before, after)
    b, a = schedule.summary(net, before), schedule.summary(after_net, after)
    if as_json:
        items = schedule.items(after_net, after)
        emit_json({"what_if": list(texts), "before": b, "after": a, "moved": moved, "items": items})
    else:
        emit_lines(what_if_lines([d.text for d in delays], b, a, moved))


@click.command("forecast")
@click.argument("milestone_id", required=False)
@_from
@click.option(
    "--trials",
    default=10_000,
    show_default=True,
    type=click.IntRange(100, 1_000_000),
    help="Number of simulated futures.",
)
@click.option("--seed", type=int, help="Seed the simulation for reproducible output.")
@click.option(
    "--project-pace", is_flag=True, help="For a milestone: use the whole project's record."
)
@_json
def forecast_cmd(
    milestone_id: str | None,
    start: dt.datetime | None,
    trials: int,
    seed: int | None,
    project_pace: bool,
    as_json: bool,
) -> None:
    """When the open tasks will be done: a Monte Carlo simulation over the history of task
    completions (Completes: trailers and `task done` events).

    Each trial replays working days drawn at random from the record of tasks completed per
    day until the open tasks are done. Prints the P50/P85/P95 dates, the chance of meeting
    the milestone's estimated_end, and the data behind them. Without a seed a random one is
    picked and shown, so any run can be repeated.

    \b
    Examples:
      git milestone forecast
      git milestone forecast M-002 --seed 7
      git milestone forecast M-002 --project-pace --json
    """
    import random

    from gitmilestone.analysis.forecast import forecast
    from gitmilestone.render.analysis import forecast_lines

    store = workspace().store
    mid = store.resolve(milestone_id).id if milestone_id else None
    milestones, found = _history(store)
    seed = seed if seed is not None else random.SystemRandom().randrange(2**32)
    cal = _calendar(store, _day(start))
    data = forecast(milestones, found, cal, mid, trials, seed, project_pace)
    if as_json:
        emit_json({"scope": mid or "project", **data})
    else:
        emit_lines(forecast_lines(mid or "the project", data))


@click.command("burndown")
@click.argument("milestone_id", required=False)
@click.option("--since", type=DAY, help="First day of the chart (default: the first event).")
@click.option("--until", type=DAY, help="Last day of the chart (default: today).")
@click.option(
    "--width", default=40, show_default=True, type=click.IntRange(10, 200), help="Chart width."
)
@_json
def burndown_cmd(
    milestone_id: str | None,
    since: dt.datetime | None,
    until: dt.datetime | None,
    width: int,
    as_json: bool,
) -> None:
    """Burndown and burn-up: effort completed and remaining per day, from the event history.

    Effort is estimated hours (1 per task without an estimate). The scope grows when tasks
    are added (task_added events), so scope changes show as steps, marked (+N) in the chart.
    `#` is done, `.` is left; --json gives the daily series.

    \b
    Examples:
      git milestone burndown
      git milestone burndown M-002 --since 2026-11-01
      git milestone burndown --json
    """
    from gitmilestone.analysis.burndown import report
    from gitmilestone.errors import MilestoneError
    from gitmilestone.render.analysis import burndown_lines

    store = workspace().store
    mid = store.resolve(milestone_id).id if milestone_id else None
    milestones, found = _history(store)
    first = since.date() if since else None
    last = _day(until)
    if first and first > last:
        raise MilestoneError(
            f"--since {first} is after the last day shown, {last}",
            "give a --since on or before --until (which defaults to today)",
        )
    data = report(milestones, found, mid, first, last)
    if as_json:
        emit_json(data)
        return
    points = data["days"]
    step = max(1, -(-len(points) // 60))  # at most ~60 rows; every day is in --json
    emit_lines(burndown_lines(mid or "the project", points, width, step))
