"""What the web dashboard shows, as data: the text dashboard's content plus the schedule (Gantt),
the dependency graph, burndown, forecast, risk matrix, phase gates waiting and the resume point.

Large plans are cut to what a page can show (the rows nearest the critical path first); each cut
says how much was left out and which command shows all of it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from gitmilestone.analysis import burndown, deps
from gitmilestone.analysis import forecast as fc
from gitmilestone.analysis.graph import MILESTONE, START, TASK
from gitmilestone.analysis.risk import BANDS, IMPACTS, Thresholds, all_risks, band_label, cell_level
from gitmilestone.commands.dashboard import Source, build, network
from gitmilestone.core import activity
from gitmilestone.errors import MilestoneError

if TYPE_CHECKING:
    from gitmilestone.analysis.cpm import Cpm
    from gitmilestone.analysis.schedule import Network
    from gitmilestone.workspace import Workspace

GANTT_ROWS = 400
GRAPH_NODES = 250
TRIALS = 500  # enough for the shape and the percentiles; `git milestone forecast` runs 10,000
SEED = 20260101  # a fixed seed: the same plan and history draw the same page


def page_data(ws: Workspace, src: Source) -> dict[str, Any]:
    """Everything the page shows. The resume panel builds its own dependency graph: on a
    large plan it runs on the second core, beside the rest."""
    from gitmilestone.git.fork import both

    tasks = sum(len(m.tasks) for m in src.milestones)
    resume, data = both(lambda: _resume(ws), lambda: _charts(ws, src), tasks >= PARALLEL_FROM)
    data["resume"] = resume
    return data


PARALLEL_FROM = 2000  # tasks: below this, a second process costs more than it saves


def _charts(ws: Workspace, src: Source) -> dict[str, Any]:
    net, problem = _network(src)
    result = net.solve() if net else None
    data = build(src, len(src.milestones), 25, net, result)
    data["milestones"] = _milestones(ws, src)
    gantt_rows = gantt(net, result) if net and result else None
    data["gantt"] = gantt_rows or {"rows": [], "left_out": 0, "error": problem}
    data["graph"] = graph(net) if net else {"nodes": [], "edges": [], "error": problem}
    data["burndown"] = burndown.report(src.milestones, src.events, None, None, src.today)
    data["forecast"] = forecast(src, net)
    data["risk_matrix"] = risk_matrix(src)
    data["gates"] = gates_waiting(ws, src)
    return data


def _network(src: Source) -> tuple[Network | None, str | None]:
    try:
        return network(src), None
    except MilestoneError as err:
        return None, err.message


def _milestones(ws: Workspace, src: Source) -> list[dict[str, Any]]:
    from gitmilestone.commands.status import times
    from gitmilestone.core.model import milestone_summary

    spent = times(ws, src.milestones) if src.milestones else {}
    rows = [{**milestone_summary(m, src.settings), "time": spent[m.id]} for m in src.milestones]
    return sorted(
        rows, key=lambda r: (r["status"] == "completed", r["estimated_end"] or "9", r["id"])
    )


def gantt(net: Network, result: Cpm) -> dict[str, Any]:
    """Open milestones and tasks with dates and float; when there are too many, the ones
    nearest the critical path (least float, then earliest start)."""
    from gitmilestone.analysis import schedule
    from gitmilestone.analysis.graph import is_done

    g = net.graph
    open_ = [i for i in g.order if g.nodes[i].kind != START and not is_done(g.nodes[i])]
    chosen = sorted(open_, key=lambda i: (result.total_float[i], result.es[i]))[:GANTT_ROWS]
    rows = [r for r in schedule.items(net, result, set(chosen)) if r["start"]]
    rows.sort(key=lambda r: (r["milestone"], r["kind"] == MILESTONE, r["es"]))
    return {
        **schedule.summary(net, result),
        "rows": rows,
        "left_out": len(open_) - len(chosen),
        "error": None,
    }


def graph(net: Network) -> dict[str, Any]:
    """Milestones and tasks as nodes (tasks only while the page can hold them), each marked
    done, ready, blocked or waiting, with the dependency edges between them."""
    g = net.graph
    ready = {r["id"] for r in deps.ready(g)}
    blocked = {r["id"] for r in deps.blocked(g)}
    with_tasks = len(g.nodes) <= GRAPH_NODES
    kinds = (MILESTONE, TASK) if with_tasks else (MILESTONE,)
    shown = [i for i in g.order if g.nodes[i].kind in kinds][:GRAPH_NODES]
    index = {i: n for n, i in enumerate(shown)}
    nodes = [_node(net, i, ready, blocked) for i in shown]
    edges: set[tuple[int, int]] = set()
    for i in shown:
        for p in _shown_preds(g, i, index):
            edges.add((index[p], index[i]))
    left_out = sum(1 for n in g.nodes if n.kind in (MILESTONE, TASK)) - len(nodes)
    return {"nodes": nodes, "edges": sorted(edges), "left_out": left_out, "error": None}


def _shown_preds(g: Any, i: int, index: dict[int, int]) -> list[int]:
    """Predecessors among the shown nodes, looking through hidden start gates (and tasks)."""
    out, todo, seen = [], list(g.preds[i]), set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        if p in index:
            out.append(p)
        elif g.nodes[p].kind == START or g.nodes[p].kind == TASK:
            todo.extend(g.preds[p])
    return out


def _node(net: Network, i: int, ready: set[str], blocked: set[str]) -> dict[str, Any]:
    from gitmilestone.analysis.graph import is_done

    node = net.graph.nodes[i]
    label = node.label
    state = "done" if is_done(node) else "ready" if label in ready else "waiting"
    if label in blocked and state != "done":
        blocked_task = node.task is not None and node.task.status == "blocked"
        state = "blocked" if blocked_task or node.kind == MILESTONE else "waiting"
    return {"id": label, "kind": node.kind, "title": activity.clean(node.title, 60), "state": state}


def forecast(src: Source, net: Network | None) -> dict[str, Any]:
    """P50/P85/P95 of the project and the distribution of the simulated finish days."""
    cal = net.cal if net else None
    if cal is None:
        return {"enough_history": False, "message": "the plan cannot be scheduled"}
    hist = fc.history(fc.completion_dates(src.events), cal)
    if not hist.enough:
        return {"enough_history": False, "message": fc.too_little(hist, None, False)}
    run = fc.run(hist, fc.open_tasks(src.milestones, None), TRIALS, SEED, cal)
    out = fc.report(hist, run, cal, None)
    counts: dict[int, int] = {}
    for day in run.days:
        if day is not None:
            counts[day] = counts.get(day, 0) + 1
    out["histogram"] = [
        {"days": d, "date": (cal.day(d - 1) if d else cal.start).isoformat(), "trials": n}
        for d, n in sorted(counts.items())
    ]
    return {"enough_history": True, **out}


def risk_matrix(src: Source) -> dict[str, Any]:
    thresholds = Thresholds.from_config(src.config)
    risks = [r for r in all_risks(src.milestones) if r.active]
    rows = []
    for band in BANDS:
        cells = []
        for impact in IMPACTS:
            inside = [
                {"ref": r.ref, "description": activity.clean(r.description, 120)}
                for r in risks
                if r.probability is not None
                and r.impact == impact
                and _in_band(r.probability, band)
            ]
            cells.append(
                {"impact": impact, "level": cell_level(band, impact, thresholds), "risks": inside}
            )
        rows.append({"band": band_label(band), "cells": cells})
    return {"impacts": list(IMPACTS), "rows": rows}


def _in_band(p: float, band: tuple[float, float]) -> bool:
    return band[0] <= p < band[1] or p == band[1] == 1.0


def gates_waiting(ws: Workspace, src: Source) -> list[dict[str, Any]]:
    """Phases completed whose gate still needs an approval."""
    from gitmilestone.commands import workflow
    from gitmilestone.core import phases

    out = []
    for t in workflow.targets(ws.store, None, src.milestones):
        for gate in t.gates:
            if phases.status_of(t.raw, gate.phase) == "completed" and gate.required:
                out.append(
                    {
                        "ref": t.ref,
                        "title": activity.clean(t.task.title, 80),
                        "phase": gate.phase,
                        "gate": gate.name,
                        "approvers": [activity.clean(a, 60) for a in gate.approvers],
                    }
                )
    return out


def _resume(ws: Workspace) -> dict[str, Any]:
    from gitmilestone.commands import resume
    from gitmilestone.render.resume import resume_lines

    try:
        point = resume.build(ws)
    except MilestoneError as err:
        return {"lines": [], "message": err.message}
    lines = ["".join(c for c in x if c.isprintable())[:300] for x in resume_lines(point.data)]
    return {"lines": lines, "message": None}


def numbers(data: Mapping[str, Any]) -> Sequence[tuple[str, str]]:
    """The figures the page shows in its summary, as (name, text): also what tests compare."""
    p = data["project"]
    return (
        ("progress", f"{p['progress']:.0f}%"),
        ("milestones", f"{p['completed']}/{p['milestones']}"),
        ("tasks", f"{p['tasks_completed']}/{p['tasks']}"),
        ("finish", str(data["critical_path"].get("finish") or "-")),
    )
